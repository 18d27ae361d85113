"""Elasticsearch mappings and query bodies, checked as dicts (no server needed)."""

from datetime import UTC, datetime

from community.search import Document
from fanloop.search import documents
from fanloop.search.query import parse
from fanloop.search.types import Filters


def test_post_template_has_cjk_analyser_and_hnsw_cosine_vector():
    body = documents.index_template("fanloop", "post").to_dict()

    assert body["index_patterns"] == ["fanloop-post-*"]
    analysis = body["template"]["settings"]["analysis"]["analyzer"]["fanloop_text"]
    assert analysis["tokenizer"] == "standard"
    assert "cjk_bigram" in analysis["filter"] and "cjk_width" in analysis["filter"]
    props = body["template"]["mappings"]["properties"]
    assert props["title"] == {"type": "text", "analyzer": "fanloop_text"}
    assert props["vector"]["type"] == "dense_vector"
    assert props["vector"]["similarity"] == "cosine"
    assert props["vector"]["index_options"]["type"] == "hnsw"
    assert props["vector"]["dims"] == documents.VECTOR_DIMS
    assert props["hidden"] == {"type": "boolean"}


def test_theme_template_has_no_vector():
    props = documents.index_template("fanloop", "theme").to_dict()["template"][
        "mappings"
    ]["properties"]
    assert "vector" not in props
    assert props["status"] == {"type": "keyword"}


def test_query_folds_traditional_and_keeps_syntax_out_of_the_query_dsl():
    body = documents.build_search(
        ["fanloop-post"], parse('相機閃退 "night mode" -blurry'), Filters()
    ).to_dict()

    must = body["query"]["bool"]["must"][0]["bool"]
    first, phrase = (g["bool"]["should"][0]["multi_match"] for g in must["must"])
    assert first["query"] == "相机 闪退" and first["operator"] == "and"
    assert phrase == {
        "query": "night mode",
        "fields": ["title^4", "body"],
        "type": "phrase",
    }
    assert must["must_not"][0]["multi_match"]["query"] == "blurry"
    assert body["query"]["bool"]["filter"] == [{"term": {"hidden": False}}]
    assert body["track_total_hits"] is True


def test_chinese_phrase_is_joined_so_bigrams_run_on():
    body = documents.build_search(["i"], parse('"相机闪退"'), Filters()).to_dict()
    alt = body["query"]["bool"]["must"][0]["bool"]["must"][0]["bool"]["should"][0]
    assert alt["multi_match"]["query"] == "相机闪退"


def test_facet_filters_go_to_post_filter_and_each_facet_keeps_the_others():
    since = datetime(2026, 11, 1, tzinfo=UTC)
    filters = Filters(kinds=("post",), board=3, tag="crash", since=since)

    body = documents.build_search(["i"], parse("battery"), filters).to_dict()

    assert body["post_filter"] == {
        "bool": {"filter": [{"terms": {"kind": ["post"]}}, {"term": {"board": 3}}]}
    }
    assert body["aggs"]["board"]["filter"] == {
        "bool": {"filter": [{"terms": {"kind": ["post"]}}]}
    }
    assert {"term": {"tags": "crash"}} in body["query"]["bool"]["filter"]
    assert {"range": {"created_at": {"gte": since.isoformat()}}} in body["query"][
        "bool"
    ]["filter"]


def test_moderators_query_has_no_hidden_filter():
    body = documents.build_search(
        ["i"], parse("x1"), Filters(include_hidden=True)
    ).to_dict()
    assert not body["query"]["bool"].get("filter")


def test_similar_posts_is_a_knn_query_combined_with_text():
    body = documents.build_similar(["fanloop-post"], [0.5, 0.5], "相機 crash").to_dict()

    assert body["knn"]["field"] == "vector"
    assert body["knn"]["k"] == 5 and body["knn"]["num_candidates"] == 100
    assert body["knn"]["query_vector"] == [0.5, 0.5]
    assert body["knn"]["filter"] == {"bool": {"filter": [{"term": {"hidden": False}}]}}
    should = body["query"]["bool"]["should"][0]["multi_match"]
    assert should["query"] == "相机 crash"


def test_source_keeps_text_as_written_and_searches_it_folded():
    doc = Document(
        id=7,
        title="電池續航",
        body="升級後",
        created_at=datetime(2026, 11, 1, tzinfo=UTC),
        vector=[0.1, 0.2],
    )

    source = documents.to_source("post", doc)

    assert source["title"] == "电池续航" and source["display_title"] == "電池續航"
    assert source["vector"] == [0.1, 0.2]
    assert "vector" not in documents.to_source("theme", doc)
