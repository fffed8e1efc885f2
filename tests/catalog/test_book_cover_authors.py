from catalog.selectors import book_cover_authors


def test_book_cover_authors_keep_cover_order_in_one_query(shelf, django_assert_num_queries):
    ids = [shelf[name].pk for name in ("hobbit", "omens", "mort")]
    with django_assert_num_queries(1):
        authors = book_cover_authors(book_ids=ids)
    assert [[a.name for a in authors[pk]] for pk in ids] == [
        ["J. R. R. Tolkien"],
        ["Terry Pratchett", "Neil Gaiman"],
        ["Terry Pratchett"],
    ]
