"""Version numbering under contention: the cost of the image row lock.

Fixed sizes: 8 threads create 400 colouring versions, once all for ONE image (every
allocation waits for the image lock) and once spread over 8 images (no waiting).
Prints versions/s for both and their ratio; checks that numbers are gapless.
"""

from __future__ import annotations

import threading
import time

from _common import describe_machine, setup_django, temporary_database

THREADS = 8
VERSIONS = 400


def run(images: list[object]) -> float:
    from django.db import connection

    from processing.services import coloring_version_create

    per_thread = VERSIONS // THREADS
    barrier = threading.Barrier(THREADS + 1)

    def worker(index: int) -> None:
        barrier.wait()
        image = images[index % len(images)]
        for _ in range(per_thread):
            coloring_version_create(image=image)
        connection.close()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(THREADS)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started


def main() -> None:
    setup_django()
    with temporary_database():
        from processing.models import ColoringVersion
        from tests.factories import ImageFactory

        one = [ImageFactory(downloaded=True)]
        many = [ImageFactory(downloaded=True) for _ in range(THREADS)]
        contended = run(one)
        spread = run(many)
        numbers = list(
            ColoringVersion.objects.filter(image=one[0]).values_list("version", flat=True)
        )
        assert sorted(numbers) == list(range(1, VERSIONS + 1)), "numbering has gaps"
        print(f"version_numbering ({describe_machine()})")
        print(f"  one image, {THREADS} threads:    {VERSIONS / contended:8.0f} versions/s")
        print(f"  {THREADS} images, {THREADS} threads:  {VERSIONS / spread:8.0f} versions/s")
        print(f"  ratio contended/spread: {spread / contended:.2f}")


if __name__ == "__main__":
    main()
