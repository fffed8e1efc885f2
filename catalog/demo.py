"""Demo and synthetic data for workshops, screenshots and scale tests."""

import hashlib
import json
import random
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import transaction
from rest_framework.authtoken.models import Token

from .isbn import isbn13_check_digit, normalise_isbn
from .models import Author, Book, BookAuthor, Cart, CartItem, Order
from .versioning import bump_catalog_version

DEMO_BOOKS_FILE = Path(__file__).with_name("demo_data") / "books.json"
# 979-0 is the ISMN (printed music) range, so no real book's ISBN can collide with these.
SYNTHETIC_ISBN_PREFIX = "9790"
SYNTHETIC_AUTHOR_POOL = 2000


@dataclass(frozen=True)
class DemoUser:
    username: str
    password: str
    is_staff: bool
    cart_isbns: tuple[str, ...] = ()

    @property
    def token(self) -> str:
        # Fixed tokens so that workshop notes and curl examples work on every machine.
        return hashlib.sha1(f"hybrid-catalog-demo:{self.username}".encode()).hexdigest()


DEMO_USERS = (
    DemoUser("alice", "alice-demo-pass", False, cart_isbns=("9781735467221", "9781491946008")),
    DemoUser("bob", "bob-demo-pass", False, cart_isbns=("9780441478125",)),
    DemoUser("admin", "admin-demo-pass", True),
)


@dataclass
class SeedReport:
    authors_created: int = 0
    books_created: int = 0
    users_created: int = 0
    synthetic_books_created: int = 0
    seconds: float = 0.0


def reset_catalog() -> None:
    """Delete every order, cart, book, author and demo user."""
    with transaction.atomic():
        Order.objects.all().delete()
        Cart.objects.all().delete()
        BookAuthor.objects.all().delete()
        Book.objects.all().delete()
        Author.objects.all().delete()
        get_user_model().objects.filter(username__in=[u.username for u in DEMO_USERS]).delete()
        bump_catalog_version()


@transaction.atomic
def seed_demo_catalog(report: SeedReport, path: Path = DEMO_BOOKS_FILE) -> None:
    """Load the real books of the demo file; books already present (by ISBN) are kept as they are."""
    data = json.loads(path.read_text(encoding="utf-8"))
    authors = {a.name: a for a in Author.objects.filter(name__in=[a["name"] for a in data["authors"]])}
    missing = [Author(name=a["name"], bio=a["bio"]) for a in data["authors"] if a["name"] not in authors]
    for author in Author.objects.bulk_create(missing):
        authors[author.name] = author
    report.authors_created += len(missing)

    rows = [dict(row, isbn=normalise_isbn(row["isbn"])) for row in data["books"]]
    existing = set(Book.objects.filter(isbn__in=[r["isbn"] for r in rows]).values_list("isbn", flat=True))
    new_rows = [r for r in rows if r["isbn"] not in existing]
    books = Book.objects.bulk_create(
        [
            Book(
                title=r["title"],
                subtitle=r.get("subtitle", ""),
                isbn=r["isbn"],
                price=Decimal(r["price"]),
                stock=r["stock"],
                published_date=date.fromisoformat(r["published_date"]) if r.get("published_date") else None,
                description=r.get("description", ""),
            )
            for r in new_rows
        ]
    )
    BookAuthor.objects.bulk_create(
        [
            BookAuthor(book=book, author=authors[name], position=position)
            for book, row in zip(books, new_rows, strict=True)
            for position, name in enumerate(row["authors"])
        ]
    )
    report.books_created += len(books)
    bump_catalog_version()


@transaction.atomic
def seed_demo_users(report: SeedReport) -> None:
    """Demo shoppers and a staff user; a new shopper starts with a book or two in the cart."""
    User = get_user_model()
    for demo in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=demo.username,
            defaults={
                "is_staff": demo.is_staff,
                "is_superuser": demo.is_staff,
                "email": f"{demo.username}@example.com",
            },
        )
        if created:
            user.set_password(demo.password)
            user.save()
            report.users_created += 1
            cart, _ = Cart.objects.get_or_create(user=user)
            for book in Book.objects.filter(isbn__in=demo.cart_isbns, stock__gt=0):
                CartItem.objects.get_or_create(cart=cart, book=book, defaults={"quantity": 1})
        Token.objects.filter(user=user).exclude(key=demo.token).delete()
        Token.objects.get_or_create(user=user, defaults={"key": demo.token})


_WORDS = [
    "silent",
    "river",
    "shadow",
    "garden",
    "empire",
    "winter",
    "harbor",
    "glass",
    "machine",
    "forest",
    "letter",
    "crown",
    "ocean",
    "memory",
    "engine",
    "lantern",
    "mountain",
    "signal",
    "paper",
    "storm",
    "orchard",
    "bridge",
    "violet",
    "compass",
    "archive",
    "kingdom",
    "whisper",
    "iron",
    "meadow",
    "falcon",
    "ember",
    "tide",
    "atlas",
    "cipher",
    "harvest",
    "voyage",
]
_FIRST = [
    "Ada",
    "Alan",
    "Grace",
    "Linus",
    "Barbara",
    "Edsger",
    "Donald",
    "Margaret",
    "Ken",
    "Dennis",
    "Guido",
    "Radia",
    "Frances",
    "Niklaus",
    "Tim",
    "Joan",
]
_LAST = [
    "Okafor",
    "Lindqvist",
    "Moreau",
    "Tanaka",
    "Novak",
    "Silva",
    "Haddad",
    "Kowalski",
    "Brennan",
    "Ivanova",
    "Castillo",
    "Mensah",
    "Larsen",
    "Rossi",
]


def synthetic_isbn(number: int) -> str:
    first12 = f"{SYNTHETIC_ISBN_PREFIX}{number:08d}"
    return first12 + isbn13_check_digit(first12)


def _synthetic_authors() -> list[Author]:
    names = [
        f"{_FIRST[i % len(_FIRST)]} {_LAST[(i // len(_FIRST)) % len(_LAST)]} {i // (len(_FIRST) * len(_LAST)) + 1}"
        for i in range(SYNTHETIC_AUTHOR_POOL)
    ]
    existing = {a.name: a for a in Author.objects.filter(name__in=names)}
    Author.objects.bulk_create(
        [Author(name=n, bio="A synthetic author for scale tests.") for n in names if n not in existing]
    )
    bump_catalog_version()
    by_name = {a.name: a for a in Author.objects.filter(name__in=names)}
    return [by_name[n] for n in names]


def seed_synthetic_books(
    count: int,
    report: SeedReport,
    *,
    batch_size: int = 10_000,
    progress: Callable[[int, int, float], None] | None = None,
) -> None:
    """Add ``count`` synthetic books with valid, unique ISBNs, continuing after those already there."""
    started = time.monotonic()
    pool = _synthetic_authors()
    start = Book.objects.filter(isbn__startswith=SYNTHETIC_ISBN_PREFIX).count()
    epoch = date(1950, 1, 1)
    done = 0
    while done < count:
        size = min(batch_size, count - done)
        numbers = range(start + done, start + done + size)
        books = []
        for n in numbers:
            rng = random.Random(n)
            words = rng.sample(_WORDS, 3)
            books.append(
                Book(
                    title=f"The {words[0].capitalize()} {words[1].capitalize()} {n}",
                    subtitle=f"A tale of {words[2]}" if n % 4 == 0 else "",
                    isbn=synthetic_isbn(n),
                    price=Decimal(rng.randint(499, 7999)) / 100,
                    stock=rng.randint(0, 50),
                    published_date=epoch + timedelta(days=rng.randint(0, 27_000)),
                    description="",
                )
            )
        with transaction.atomic():
            created = Book.objects.bulk_create(books)
            links = []
            for book, n in zip(created, numbers, strict=True):
                links.append(BookAuthor(book_id=book.pk, author_id=pool[n % len(pool)].pk, position=0))
                if n % 3 == 0:
                    links.append(BookAuthor(book_id=book.pk, author_id=pool[(n * 7 + 1) % len(pool)].pk, position=1))
            BookAuthor.objects.bulk_create(links)
            bump_catalog_version()
        done += size
        if progress:
            progress(done, count, time.monotonic() - started)
    report.synthetic_books_created += done
