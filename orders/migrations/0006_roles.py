"""The two staff roles as Django groups (fotomalovanky/permissions.py reads them).

Staff accounts that existed before roles did keep what they could do: they become
operators. The groups' permissions are granted after every `migrate`
(`fotomalovanky.permissions.roles_sync`, on post_migrate), because permissions of models
added later do not exist yet when this migration runs.
"""

from django.db import migrations

OPERATOR, PRINTER = "Operátor", "Tiskař"


def roles_create(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    User = apps.get_model("auth", "User")
    operator, _ = Group.objects.get_or_create(name=OPERATOR)
    Group.objects.get_or_create(name=PRINTER)
    for user in User.objects.filter(is_staff=True, is_superuser=False):
        user.groups.add(operator)


def roles_remove(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name__in=[OPERATOR, PRINTER]).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("orders", "0005_order_lifecycle"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(roles_create, roles_remove)]
