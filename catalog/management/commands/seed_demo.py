import time

from django.core.management.base import BaseCommand, CommandError, CommandParser

from catalog.demo import DEMO_USERS, SeedReport, reset_catalog, seed_demo_catalog, seed_demo_users, seed_synthetic_books
from catalog.models import Author, Book


class Command(BaseCommand):
    help = "Load the demo library (real books, demo users with API tokens); --books N adds synthetic books."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--reset", action="store_true", help="Delete the catalog, carts, orders and demo users first."
        )
        parser.add_argument(
            "--books", type=int, default=0, metavar="N", help="Also add N synthetic books (bulk inserts)."
        )
        parser.add_argument("--batch-size", type=int, default=10_000, help="Rows per bulk insert for --books.")

    def handle(self, *args, reset: bool, books: int, batch_size: int, **options) -> None:
        if books < 0:
            raise CommandError("--books must be zero or more.")
        if batch_size < 1:
            raise CommandError("--batch-size must be at least 1.")
        started = time.monotonic()
        report = SeedReport()
        if reset:
            self.stdout.write("Deleting the catalog, carts, orders and demo users...")
            reset_catalog()
        seed_demo_catalog(report)
        seed_demo_users(report)
        if books:
            self.stdout.write(f"Adding {books:,} synthetic books...")
            seed_synthetic_books(books, report, batch_size=batch_size, progress=self._progress)
        report.seconds = time.monotonic() - started
        self._summary(report)

    def _progress(self, done: int, total: int, seconds: float) -> None:
        rate = done / seconds if seconds else 0
        self.stdout.write(f"  {done:>10,} / {total:,} books ({done / total:6.1%}) {seconds:6.1f}s {rate:,.0f} books/s")

    def _summary(self, report: SeedReport) -> None:
        self.stdout.write(
            self.style.SUCCESS(
                f"Demo data ready in {report.seconds:.1f}s: {Book.objects.count():,} books, "
                f"{Author.objects.count():,} authors "
                f"(new: {report.books_created} demo books, {report.synthetic_books_created:,} synthetic books, "
                f"{report.authors_created} authors, {report.users_created} users)."
            )
        )
        self.stdout.write("")
        self.stdout.write(f"  {'user':<8} {'password':<17} {'staff':<6} API token (Authorization: Token <key>)")
        for user in DEMO_USERS:
            self.stdout.write(
                f"  {user.username:<8} {user.password:<17} {'yes' if user.is_staff else 'no':<6} {user.token}"
            )
