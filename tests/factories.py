from decimal import Decimal

import factory
from django.contrib.auth import get_user_model

from catalog.isbn import isbn13_check_digit
from catalog.models import Author, Book, BookAuthor, Cart, CartItem


def isbn_for(number: int) -> str:
    first12 = f"978{number:09d}"
    return first12 + isbn13_check_digit(first12)


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = get_user_model()
        django_get_or_create = ("username",)
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.com")
    password = factory.PostGenerationMethodCall("set_password", "secret-pass-123")

    @factory.post_generation
    def _save(obj, create, extracted, **kwargs):
        if create:
            obj.save()


class StaffFactory(UserFactory):
    is_staff = True


class AuthorFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Author

    name = factory.Sequence(lambda n: f"Author {n:04d}")
    bio = "Writes books."


class BookFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Book
        skip_postgeneration_save = True

    title = factory.Sequence(lambda n: f"Book {n:04d}")
    isbn = factory.Sequence(lambda n: isbn_for(100_000 + n))
    price = Decimal("10.00")
    stock = 10

    @factory.post_generation
    def authors(obj, create, extracted, **kwargs):
        if not create or extracted is None:
            return
        for position, author in enumerate(extracted):
            BookAuthor.objects.create(book=obj, author=author, position=position)


class CartFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Cart
        django_get_or_create = ("user",)

    user = factory.SubFactory(UserFactory)


class CartItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CartItem

    cart = factory.SubFactory(CartFactory)
    book = factory.SubFactory(BookFactory)
    quantity = 1
