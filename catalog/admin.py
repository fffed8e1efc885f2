from django.contrib import admin

from .models import Author, Book, BookAuthor, Cart, CartItem, Order, OrderLine
from .versioning import bump_catalog_version


class CatalogAdmin(admin.ModelAdmin):
    """Deletes (one or a selection) and inline changes make cached catalog reads stale too.

    Saves bump the catalog version through a model signal; these paths send none.
    """

    def delete_model(self, request, obj):
        super().delete_model(request, obj)
        bump_catalog_version()

    def delete_queryset(self, request, queryset):
        super().delete_queryset(request, queryset)
        bump_catalog_version()

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        bump_catalog_version()


class BookAuthorInline(admin.TabularInline):
    model = BookAuthor
    extra = 1
    autocomplete_fields = ["author"]
    ordering = ["position"]


@admin.register(Author)
class AuthorAdmin(CatalogAdmin):
    list_display = ["name", "created_at", "updated_at"]
    search_fields = ["name"]
    ordering = ["name"]


@admin.register(Book)
class BookAdmin(CatalogAdmin):
    list_display = ["title", "isbn", "price", "stock", "published_date", "updated_at"]
    list_filter = ["published_date", "created_at"]
    search_fields = ["title", "subtitle", "isbn", "authors__name"]
    readonly_fields = ["created_at", "updated_at"]
    inlines = [BookAuthorInline]
    list_per_page = 50
    show_full_result_count = False  # counting a million rows on every page is slow


@admin.register(BookAuthor)
class BookAuthorAdmin(CatalogAdmin):
    list_display = ["book", "author", "position"]
    search_fields = ["book__title", "author__name"]
    autocomplete_fields = ["book", "author"]
    list_select_related = ["book", "author"]


class CartItemInline(admin.TabularInline):
    model = CartItem
    extra = 0
    autocomplete_fields = ["book"]


@admin.register(Cart)
class CartAdmin(admin.ModelAdmin):
    list_display = ["user", "created_at", "updated_at"]
    search_fields = ["user__username"]
    inlines = [CartItemInline]


@admin.register(CartItem)
class CartItemAdmin(admin.ModelAdmin):
    list_display = ["cart", "book", "quantity", "created_at"]
    search_fields = ["cart__user__username", "book__title"]
    autocomplete_fields = ["book"]
    list_select_related = ["cart__user", "book"]


class OrderLineInline(admin.TabularInline):
    model = OrderLine
    extra = 0
    readonly_fields = ["book", "title", "isbn", "quantity", "unit_price"]
    can_delete = False


@admin.register(Order)
class OrderAdmin(admin.ModelAdmin):
    list_display = ["id", "user", "total", "created_at"]
    list_filter = ["created_at"]
    search_fields = ["user__username", "lines__title"]
    readonly_fields = ["user", "total", "created_at"]
    inlines = [OrderLineInline]
    list_select_related = ["user"]


@admin.register(OrderLine)
class OrderLineAdmin(admin.ModelAdmin):
    list_display = ["order", "title", "isbn", "quantity", "unit_price"]
    search_fields = ["title", "isbn", "order__user__username"]
    list_select_related = ["order"]
