"""The criteria exchange file's two forms, without a database."""

import json

import pytest

from kretslopp.procurement import exchange
from kretslopp.tendering import library
from kretslopp.tendering.library import LibraryError, criterion_from_row


def shipped_records():
    out = []
    for criterion in library().criteria.values():
        values = {name: getattr(criterion, name, "") for name in exchange.CRITERION_FIELDS}
        values["product_groups"] = list(criterion.product_groups)
        values["accepted_proof"] = [str(proof) for proof in criterion.accepted_proof]
        values["interpretation"] = "=Lödda minnen godtas inte"
        out.append(values)
    return out


def test_json_and_csv_carry_the_same_rows():
    records = shipped_records()
    as_json = exchange.JsonTable(exchange.to_json(records, exchange.Header("Malmö")), "k.json")
    rows_json = [row.values for row in as_json.rows()]
    text = exchange.to_csv(records).decode("utf-8-sig")
    assert text.splitlines()[0].split(",")[0] == "criterion_id"
    document = json.loads(exchange.to_json(records, exchange.Header("Malmö")))
    assert document["format"] == exchange.FORMAT
    assert document["publisher"] == "Malmö"
    assert isinstance(document["criteria"][0]["product_groups"], list)
    assert len(rows_json) == len(records)


def test_every_shipped_criterion_passes_the_library_check_after_the_trip():
    records = shipped_records()
    table = exchange.JsonTable(exchange.to_json(records, exchange.Header()), "k.json")
    labels = library().labels
    for row in table.rows():
        values = dict(zip(table.headers, row.values, strict=True))
        criterion_from_row(
            "k.json", row.number, exchange.library_row(values), None, library().rules, labels
        )


def test_a_formula_prefix_is_neutralised_in_csv_and_undone_on_reading():
    text = exchange.to_csv(shipped_records()).decode("utf-8-sig")
    assert "'=Lödda" in text
    assert exchange.undo_neutralise("'=Lödda") == "=Lödda"
    assert exchange.undo_neutralise("'vanlig") == "'vanlig"


@pytest.mark.parametrize(
    "content",
    [
        b"not json",
        b'{"format": "other", "version": 1, "criteria": []}',
        b'{"format": "kretslopp-criteria-exchange", "version": 9, "criteria": []}',
        b'{"format": "kretslopp-criteria-exchange", "version": 1, "criteria": {}}',
        # Nested deeper than Python's parser follows: refused, not a server error.
        b'{"criteria": ' + b"[" * 50_000 + b"]" * 50_000 + b"}",
    ],
)
def test_a_file_that_is_not_an_exchange_file_is_refused(content):
    with pytest.raises(exchange.ExchangeFileError):
        exchange.JsonTable(content, "k.json")


def test_a_number_too_long_for_python_reads_as_its_digits_for_the_library_check():
    """A 5,000-digit number (beyond what Python turns into text) is the cell's text, which
    the library check then refuses at its row and column, instead of a server error."""
    entry = exchange.record(shipped_records()[0])
    content = b'{"format": "kretslopp-criteria-exchange", "version": 1, "criteria": ['
    content += json.dumps({k: v for k, v in entry.items() if k != "level"}).encode()[:-1]
    content += b', "level": ' + b"9" * 5000 + b"}]}"
    table = exchange.JsonTable(content, "k.json")
    values = dict(zip(table.headers, next(table.rows()).values, strict=True))
    assert values["level"] == "9" * 5000


def test_a_bad_row_is_located_by_the_library_check():
    row = exchange.library_row({**exchange.record(shipped_records()[0]), "type": "wish"})
    with pytest.raises(LibraryError) as error:
        criterion_from_row("k.json", 3, row, None, library().rules, library().labels)
    assert (error.value.row, error.value.column) == (3, "type")
