"""Path parameters shared by the routers.

Ids are bounded to what the database can hold, so a huge number is "not found" (404)
instead of an overflow deep in the database driver; the error handler turns every
invalid path parameter into 404.
"""

from __future__ import annotations

from typing import Annotated

from ninja import Path

MAX_ID = 2**63 - 1

# Order numbers as the pages have them in URLs: letters, digits, "-" and "_", no "#".
# The examples are the architecture's (and the tests' schemathesis run has these rows).
OrderNumber = Annotated[
    str,
    Path(pattern=r"^[0-9A-Za-z_-]{1,31}$", description='Without "#".', examples=["1270"]),
]
ImageId = Annotated[int, Path(ge=1, le=MAX_ID, examples=[123])]
VersionId = Annotated[int, Path(ge=1, le=MAX_ID, examples=[456])]
