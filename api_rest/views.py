"""One view class per operation; a URL with several methods combines the operations' classes.

Each operation checks the shape of its input, calls one service or selector of ``catalog``
and shapes the answer. Every error leaves through ``api_rest.errors.exception_handler``.
"""

from collections.abc import Iterator
from typing import Any

from django.http import QueryDict
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import status
from rest_framework.exceptions import MethodNotAllowed
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.response import Response
from rest_framework.reverse import reverse
from rest_framework.settings import api_settings
from rest_framework.views import APIView

from catalog import selectors, services
from catalog.text import check_texts

from .deprecation import announce_deprecations
from .fields import FIELDS_CODES, FieldSelection, fields_parameter, requested_fields
from .permissions import CatalogEditorOrReadOnly
from .schema import AUTHOR_CODES, AUTHOR_FILTERS, BOOK_CODES, BOOK_FILTER_CODES, BOOK_FILTERS, FILTER_CODES, errors
from .serializers import (
    ApiRootOutput,
    AuthorInput,
    AuthorOutput,
    BookInput,
    BookOutput,
    CartItemAddInput,
    CartItemOutput,
    CartItemUpdateInput,
    CartOutput,
    OrderOutput,
    TokenCreateInput,
    TokenOutput,
)


def _texts(request) -> Iterator[tuple[str, Any]]:
    """Every value of the query string and of the body's top level, by its field name.

    Only names that can be fields (identifiers): any other is ignored, like an unknown field.
    """
    data = request.data
    items = list(request.query_params.lists())
    if isinstance(data, QueryDict):
        items += data.lists()
    elif isinstance(data, dict):
        items += data.items()
    for name, value in items:
        if isinstance(name, str) and name.isascii() and name.isidentifier():
            yield name, value


class BaseView(APIView):
    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        # After authentication and permissions, before any field is read: one code for NULs
        # and lone surrogates in every parameter, as GraphQL gives for its arguments.
        check_texts(_texts(request))

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        announce_deprecations(request, response)
        return response

    def check_permissions(self, request):
        # A method the URL does not offer is a 405 for everyone, not a 401 or 403.
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise MethodNotAllowed(request.method)
        super().check_permissions(request)


class ListMixin:
    """Page-number pagination for a selector's queryset (``count``, ``next``, ``previous``, ``results``)."""

    pagination_class = api_settings.DEFAULT_PAGINATION_CLASS

    def paginate(self, queryset) -> list:
        # Kept on the view: the browsable API draws its page links from it.
        self.paginator = self.pagination_class()
        return self.paginator.paginate_queryset(queryset, self.request, view=self)

    def paginated_response(self, page: list, output_class, fields: FieldSelection, **context) -> Response:
        data = output_class(page, many=True, context=context).data
        return self.paginator.get_paginated_response(fields.apply(data))


class InputFormMixin:
    """The browsable API builds its HTML form (and OPTIONS its field list) from the input serializer."""

    input_class: type

    def get_serializer(self, *args, **kwargs):
        return self.input_class(*args, **kwargs)


def validated(input_class, request, *, partial: bool = False) -> dict:
    serializer = input_class(data=request.data, partial=partial)
    serializer.is_valid(raise_exception=True)
    return serializer.validated_data


# Root -----------------------------------------------------------------------------------


class ApiRootView(BaseView):
    """Books, authors, your cart and your orders. Sign in with a token (`POST /api/auth/token/`,
    then `Authorization: Token <key>`) or, in this browsable API, with the Log in link."""

    name = "Hybrid Catalog API"

    @extend_schema(
        operation_id="api_root",
        summary="The endpoints of the API",
        parameters=[fields_parameter(ApiRootOutput)],
        responses={200: ApiRootOutput, **errors(400, codes=FIELDS_CODES)},
    )
    def get(self, request):
        fields = requested_fields(request, ApiRootOutput)

        def link(name: str) -> str:
            return reverse(name, request=request)

        return Response(
            fields.apply(
                {
                    "books": link("api-books"),
                    "authors": link("api-authors"),
                    "cart": link("api-cart"),
                    "orders": link("api-orders"),
                    "token": link("api-token"),
                    "schema": link("api-schema"),
                    "docs": link("api-docs"),
                    "redoc": link("api-redoc"),
                }
            )
        )


# Books ----------------------------------------------------------------------------------


class CatalogView(BaseView):
    permission_classes = [CatalogEditorOrReadOnly]


class BookListView(ListMixin, CatalogView):
    @extend_schema(
        operation_id="book_list",
        summary="List books",
        parameters=[*BOOK_FILTERS, fields_parameter(BookOutput, many=True)],
        responses={200: BookOutput(many=True), **errors(400, 404, codes=f"{BOOK_FILTER_CODES}; {FIELDS_CODES}")},
    )
    def get(self, request):
        fields = requested_fields(request, BookOutput)
        books = selectors.book_list(filters=request.query_params, with_authors=False)
        # Named rows rather than Book instances: building a model instance per row cost about a
        # tenth of this view's time at 50 books (docs/performance.md), and the output reads columns only.
        page = self.paginate(books.values_list(*BookOutput.columns, named=True))
        authors = _authors(fields, [book.id for book in page])
        return self.paginated_response(page, BookOutput, fields, authors=authors)


class BookCreateView(InputFormMixin, CatalogView):
    input_class = BookInput

    @extend_schema(
        operation_id="book_create",
        summary="Add a book (staff)",
        request=BookInput,
        responses={201: BookOutput, **errors(400, 401, 403, codes=BOOK_CODES, body=True)},
    )
    def post(self, request):
        book = services.book_create(actor=request.user, **validated(BookInput, request))
        location = reverse("api-book", args=[book.pk], request=request)
        return Response(BookOutput(book).data, status=status.HTTP_201_CREATED, headers={"Location": location})


def _authors(fields: FieldSelection, book_ids: list[int]) -> dict[int, list[tuple[int, str]]]:
    """The books' authors, read only when the answer shows them."""
    return selectors.book_authors(book_ids=book_ids) if fields.includes("authors") else {}


class BookGetView(CatalogView):
    @extend_schema(
        operation_id="book_get",
        summary="One book",
        parameters=[fields_parameter(BookOutput)],
        responses={200: BookOutput, **errors(400, 404, codes=FIELDS_CODES)},
    )
    def get(self, request, book_id: int):
        fields = requested_fields(request, BookOutput)
        book = selectors.book_get(book_id=book_id, with_authors=False)
        return Response(fields.apply(BookOutput(book, context={"authors": _authors(fields, [book.pk])}).data))


class BookUpdateView(InputFormMixin, CatalogView):
    input_class = BookInput

    @extend_schema(
        operation_id="book_update",
        summary="Change a book (staff)",
        description="`title`, `isbn` and `price` are required; optional fields left out keep their values.",
        request=BookInput,
        responses={200: BookOutput, **errors(400, 401, 403, 404, codes=BOOK_CODES, body=True)},
    )
    def put(self, request, book_id: int):
        book = services.book_update(actor=request.user, book_id=book_id, **validated(BookInput, request))
        return Response(BookOutput(book).data)

    @extend_schema(
        operation_id="book_partial_update",
        summary="Change some fields of a book (staff)",
        request=BookInput,
        responses={200: BookOutput, **errors(400, 401, 403, 404, codes=BOOK_CODES, body=True)},
    )
    def patch(self, request, book_id: int):
        data = validated(BookInput, request, partial=True)
        book = services.book_update(actor=request.user, book_id=book_id, **data)
        return Response(BookOutput(book).data)


class BookDeleteView(CatalogView):
    @extend_schema(
        operation_id="book_delete",
        summary="Remove a book (staff)",
        description="Cart lines holding the book go too; past orders keep their copied lines.",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, book_id: int):
        services.book_delete(actor=request.user, book_id=book_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class BooksView(BookListView, BookCreateView):
    """The catalog's books, 20 a page (`page_size` up to 100), with the filters of the
    library website. Staff members add books here."""

    name = "Books"


class BookView(BookGetView, BookUpdateView, BookDeleteView):
    """One book. Staff members change it with PUT or PATCH and remove it with DELETE."""

    name = "Book"


# Authors --------------------------------------------------------------------------------


class AuthorListView(ListMixin, CatalogView):
    @extend_schema(
        operation_id="author_list",
        summary="List authors",
        parameters=[*AUTHOR_FILTERS, fields_parameter(AuthorOutput, many=True)],
        responses={200: AuthorOutput(many=True), **errors(400, 404, codes=f"{FILTER_CODES}; {FIELDS_CODES}")},
    )
    def get(self, request):
        fields = requested_fields(request, AuthorOutput)
        page = self.paginate(selectors.author_list(filters=request.query_params))
        return self.paginated_response(page, AuthorOutput, fields)


class AuthorCreateView(InputFormMixin, CatalogView):
    input_class = AuthorInput

    @extend_schema(
        operation_id="author_create",
        summary="Add an author (staff)",
        request=AuthorInput,
        responses={201: AuthorOutput, **errors(400, 401, 403, codes=AUTHOR_CODES, body=True)},
    )
    def post(self, request):
        author = services.author_create(actor=request.user, **validated(AuthorInput, request))
        location = reverse("api-author", args=[author.pk], request=request)
        return Response(AuthorOutput(author).data, status=status.HTTP_201_CREATED, headers={"Location": location})


class AuthorGetView(CatalogView):
    @extend_schema(
        operation_id="author_get",
        summary="One author",
        parameters=[fields_parameter(AuthorOutput)],
        responses={200: AuthorOutput, **errors(400, 404, codes=FIELDS_CODES)},
    )
    def get(self, request, author_id: int):
        fields = requested_fields(request, AuthorOutput)
        return Response(fields.apply(AuthorOutput(selectors.author_get(author_id=author_id)).data))


class AuthorUpdateView(InputFormMixin, CatalogView):
    input_class = AuthorInput

    @extend_schema(
        operation_id="author_update",
        summary="Change an author (staff)",
        description="`name` is required; `bio` left out keeps its value.",
        request=AuthorInput,
        responses={200: AuthorOutput, **errors(400, 401, 403, 404, codes=AUTHOR_CODES, body=True)},
    )
    def put(self, request, author_id: int):
        author = services.author_update(actor=request.user, author_id=author_id, **validated(AuthorInput, request))
        return Response(AuthorOutput(author).data)

    @extend_schema(
        operation_id="author_partial_update",
        summary="Change an author's name or bio (staff)",
        request=AuthorInput,
        responses={200: AuthorOutput, **errors(400, 401, 403, 404, codes=AUTHOR_CODES, body=True)},
    )
    def patch(self, request, author_id: int):
        data = validated(AuthorInput, request, partial=True)
        author = services.author_update(actor=request.user, author_id=author_id, **data)
        return Response(AuthorOutput(author).data)


class AuthorDeleteView(CatalogView):
    @extend_schema(
        operation_id="author_delete",
        summary="Remove an author (staff)",
        description="Their books stay in the catalog, without them among their authors.",
        responses={204: None, **errors(401, 403, 404)},
    )
    def delete(self, request, author_id: int):
        services.author_delete(actor=request.user, author_id=author_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AuthorsView(AuthorListView, AuthorCreateView):
    """The authors of the catalog, each with the number of their books. Staff members add authors here."""

    name = "Authors"


class AuthorView(AuthorGetView, AuthorUpdateView, AuthorDeleteView):
    """One author. Staff members change them with PUT or PATCH and remove them with DELETE."""

    name = "Author"


# Cart -----------------------------------------------------------------------------------


class ShopperView(BaseView):
    permission_classes = [IsAuthenticated]


class CartGetView(ShopperView):
    @extend_schema(
        operation_id="cart_get",
        summary="Your cart",
        parameters=[fields_parameter(CartOutput)],
        responses={200: CartOutput, **errors(400, 401, codes=FIELDS_CODES)},
    )
    def get(self, request):
        fields = requested_fields(request, CartOutput)
        return Response(fields.apply(CartOutput(selectors.cart_get(user=request.user)).data))


class CartClearView(ShopperView):
    @extend_schema(operation_id="cart_clear", summary="Empty your cart", responses={204: None, **errors(401)})
    def delete(self, request):
        services.cart_clear(user=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartView(CartGetView, CartClearView):
    """Your cart: its lines, the number of copies and the total. DELETE empties it."""

    name = "Cart"


class CartItemAddView(InputFormMixin, ShopperView):
    """Put copies of a book in your cart; a book already there gets its line's quantity raised."""

    name = "Cart items"
    input_class = CartItemAddInput

    @extend_schema(
        operation_id="cart_item_add",
        summary="Add a book to your cart",
        description="201 with a new line, 200 when the book was in the cart already (the quantities add up).",
        request=CartItemAddInput,
        responses={
            201: OpenApiResponse(CartItemOutput, description="A new line."),
            200: OpenApiResponse(CartItemOutput, description="The book's line, with the quantities added up."),
            **errors(
                400, 401, 404, 409, codes="`required`, `invalid`, `invalid_characters`, `invalid_quantity`", body=True
            ),
        },
    )
    def post(self, request):
        item, created = services.cart_item_add(user=request.user, **validated(CartItemAddInput, request))
        if not created:
            return Response(CartItemOutput(item).data)
        location = reverse("api-cart-item", args=[item.pk], request=request)
        return Response(CartItemOutput(item).data, status=status.HTTP_201_CREATED, headers={"Location": location})


class CartItemUpdateView(InputFormMixin, ShopperView):
    input_class = CartItemUpdateInput

    @extend_schema(
        operation_id="cart_item_update",
        summary="Set the quantity of a cart line",
        request=CartItemUpdateInput,
        responses={
            200: CartItemOutput,
            **errors(
                400, 401, 404, 409, codes="`required`, `invalid`, `invalid_characters`, `invalid_quantity`", body=True
            ),
        },
    )
    def patch(self, request, item_id: int):
        data = validated(CartItemUpdateInput, request)
        return Response(CartItemOutput(services.cart_item_update(user=request.user, item_id=item_id, **data)).data)


class CartItemRemoveView(ShopperView):
    @extend_schema(
        operation_id="cart_item_remove",
        summary="Take a line out of your cart",
        responses={204: None, **errors(401, 404)},
    )
    def delete(self, request, item_id: int):
        services.cart_item_remove(user=request.user, item_id=item_id)
        return Response(status=status.HTTP_204_NO_CONTENT)


class CartItemView(CartItemUpdateView, CartItemRemoveView):
    """One line of your cart: PATCH sets its quantity, DELETE takes it out."""

    name = "Cart item"


class CheckoutView(ShopperView):
    """Turn your cart into an order, all or nothing: one line short of stock and nothing changes."""

    name = "Checkout"

    @extend_schema(
        operation_id="checkout",
        summary="Check out your cart",
        request=None,
        responses={201: OrderOutput, **errors(400, 401, 409, codes="`empty_cart`")},
    )
    def post(self, request):
        order = services.checkout(user=request.user)
        location = reverse("api-order", args=[order.pk], request=request)
        return Response(OrderOutput(order).data, status=status.HTTP_201_CREATED, headers={"Location": location})


# Orders ---------------------------------------------------------------------------------


class OrderListView(ListMixin, ShopperView):
    """Your orders, newest first."""

    name = "Orders"

    @extend_schema(
        operation_id="order_list",
        summary="Your orders",
        parameters=[fields_parameter(OrderOutput, many=True)],
        responses={
            200: OrderOutput(many=True),
            **errors(400, 401, 404, codes=f"`cursor`, `page_size`: `invalid`; {FIELDS_CODES}"),
        },
    )
    def get(self, request):
        fields = requested_fields(request, OrderOutput)
        return self.paginated_response(self.paginate(selectors.order_list(user=request.user)), OrderOutput, fields)


class OrderGetView(ShopperView):
    """One of your orders."""

    name = "Order"

    @extend_schema(
        operation_id="order_get",
        summary="One of your orders",
        parameters=[fields_parameter(OrderOutput)],
        responses={200: OrderOutput, **errors(400, 401, 404, codes=FIELDS_CODES)},
    )
    def get(self, request, order_id: int):
        fields = requested_fields(request, OrderOutput)
        return Response(fields.apply(OrderOutput(selectors.order_get(user=request.user, order_id=order_id)).data))


# Authentication -------------------------------------------------------------------------


class TokenCreateView(InputFormMixin, BaseView):
    """Your API token, for `Authorization: Token <token>`; made on first use."""

    name = "Token"
    authentication_classes = []
    permission_classes = [AllowAny]
    input_class = TokenCreateInput

    @extend_schema(
        operation_id="token_create",
        summary="Get your API token",
        request=TokenCreateInput,
        responses={
            200: TokenOutput,
            **errors(
                400,
                codes="`required`, `invalid`, `invalid_characters`, `invalid_credentials`",
                body=True,
                signs_in=False,
            ),
        },
    )
    def post(self, request):
        return Response({"token": services.token_create(**validated(TokenCreateInput, request))})
