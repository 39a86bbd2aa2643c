"""Behaviour a user of `preventia.nlp.analyze` relies on."""

from __future__ import annotations

import json

import pytest

from preventia.nlp import ANALYZER_VERSIONS, AnalysisResult, analyze
from preventia.nlp.schemas import CONTRACT_KEYS

EN_DRUG = (
    "A new drug cuts deaths from breast cancer by a third, according to a large clinical trial "
    "published on Thursday. Women with advanced breast cancer who took the drug lived longer "
    "than those on standard chemotherapy, the researchers said. The breast cancer drug was "
    "well tolerated and regulators are expected to approve it next year."
)
ES_SCREENING = (
    "El Ministerio de Sanidad ampliará el cribado de cáncer de mama a las mujeres de 45 a 74 "
    "años en toda España. La mamografía cada dos años permite la detección precoz del cáncer "
    "de mama y salva vidas, según los oncólogos. Las comunidades autónomas deberán reforzar "
    "sus unidades de mama para reducir las listas de espera."
)
ES_OTHER_HEALTH = (
    "La Organización Mundial de la Salud advirtió este jueves de un incremento de los casos de "
    "sarampión en Europa y Asia Central. Los expertos piden reforzar la vacunación infantil "
    "para frenar los brotes, que ya han causado varias muertes en 2024."
)


def test_english_breast_cancer_drug_is_relevant_positive_treatment() -> None:
    result = analyze("New drug cuts breast cancer deaths by a third", EN_DRUG)
    assert result.language == "en"
    assert result.relevance == "primary"
    assert result.primary_topic == "treatment"
    assert "research" in result.topics
    assert result.tone == "positive"
    assert 0 < result.tone_score <= 1
    assert result.reason is None


def test_spanish_screening_story() -> None:
    result = analyze(None, ES_SCREENING)
    assert result.language == "es"
    assert result.relevance == "primary"
    assert result.primary_topic == "screening"
    assert result.countries == ["ES"]
    assert result.evidence.relevance  # the terms that made it relevant


def test_spanish_non_breast_health_news_is_not_relevant() -> None:
    result = analyze(None, ES_OTHER_HEALTH)
    assert result.language == "es"
    assert result.relevance == "none"
    assert result.topics == [] and result.primary_topic is None
    assert result.tone == "negative"


def test_other_cancer_with_passing_breast_mention_is_not_relevant() -> None:
    text = (
        "A blood test can spot prostate cancer earlier than the standard PSA test, researchers "
        "in London reported. Prostate cancer is the most common cancer in men. The prostate "
        "cancer test could spare thousands of men unnecessary biopsies, and similar tests "
        "already exist for breast cancer. Prostate cancer specialists welcomed the results."
    )
    assert analyze("Prostate cancer test breakthrough", text).relevance == "none"


@pytest.mark.parametrize(
    ("title", "text", "expected"),
    [
        (
            "Drinking alcohol raises breast cancer risk, study warns",
            "Women who drink alcohol every day have a higher risk of breast cancer, a study of "
            "100,000 women warns. Each daily drink increased the risk of breast cancer by 7%.",
            "negative",
        ),
        (
            "Breast cancer screening rates fall as clinics face staff shortage",
            "Breast cancer screening rates fell sharply this year because of a shortage of "
            "radiologists, and delays in mammograms worry doctors who warn of later diagnoses.",
            "negative",
        ),
        (
            "Free mammograms for uninsured women approved by state",
            "The state approved free mammograms for uninsured women, expanding access to breast "
            "cancer screening. Officials said the program will help detect breast cancer early.",
            "positive",
        ),
    ],
)
def test_tone_is_meaning_for_a_patient(title: str, text: str, expected: str) -> None:
    assert analyze(title, text).tone == expected


def test_countries_from_demonyms_cities_and_institutions() -> None:
    text = (
        "Norwegian researchers followed 40,000 women with breast cancer in Oslo and Bergen. "
        "The breast cancer results were presented to mexicanas in Guadalajara and to the FDA."
    )
    result = analyze("Breast cancer study in Norway", text)
    assert result.countries[0] == "NO"
    assert set(result.countries) >= {"NO", "MX"}
    assert "Norwegian" in result.evidence.countries["NO"]


def test_journal_names_and_outlet_do_not_make_a_country() -> None:
    text = (
        "Breast cancer patients who exercised had less fatigue, according to a breast cancer "
        "study published in the British Medical Journal. The breast cancer trial enrolled "
        "women who had finished chemotherapy."
    )
    result = analyze("Exercise eases fatigue", text, url="https://www.bbc.co.uk/news/health")
    assert "GB" not in result.countries


def test_entities_and_identifiers() -> None:
    text = (
        "Women with HER2-positive breast cancer and BRCA1 mutations received trastuzumab and "
        "tamoxifen after mastectomy in trial NCT01234567 "
        "(doi 10.1056/NEJMoa1234567, PMID: 31234567)."
    )
    result = analyze("Breast cancer trial", text)
    found = {(e.type, e.value) for e in result.entities}
    assert {("biomarker", "HER2"), ("gene", "BRCA1"), ("drug", "trastuzumab")} <= found
    assert {("drug", "tamoxifen"), ("procedure", "mastectomy")} <= found
    assert ("trial_id", "NCT01234567") in found
    assert ("doi", "10.1056/NEJMoa1234567") in found
    assert ("pmid", "31234567") in found


def test_keywords_are_phrases_from_the_text() -> None:
    result = analyze("New drug cuts breast cancer deaths by a third", EN_DRUG)
    assert result.keywords
    assert any("breast cancer" in k for k in result.keywords)


@pytest.mark.parametrize(
    ("title", "text", "reason"),
    [
        (None, None, "empty_text"),
        ("", "   \n ", "empty_text"),
        ("", "Breast cancer.", "too_short"),
        ("", "<html><body><p></p></body></html>", "empty_text"),
        (
            "",
            "Рак молочной железы — самый распространённый вид рака у женщин в мире.",
            "unsupported_language",
        ),
    ],
)
def test_bad_input_gives_a_reason_not_an_exception(
    title: str | None, text: str | None, reason: str
) -> None:
    result = analyze(title, text)
    assert result.relevance == "none"
    assert result.language is None
    assert result.reason == reason


def test_supported_but_unanalysed_language_is_named() -> None:
    text = (
        "Le cancer du sein est le cancer le plus fréquent chez la femme en France, et le "
        "dépistage organisé par mammographie est proposé tous les deux ans."
    )
    result = analyze("Cancer du sein", text)
    assert result.language == "fr"
    assert result.relevance == "none"
    assert result.reason == "unsupported_language"


def test_html_left_in_text_is_cleaned() -> None:
    html = "<div><p>" + "</p><p>".join([ES_SCREENING] * 2) + "</p><script>var x=1;</script></div>"
    result = analyze(None, html)
    assert result.relevance == "primary"
    assert "html_removed" in result.notes
    assert not any("<" in k or "script" in k for k in result.keywords)


def test_one_megabyte_text_is_truncated_quickly() -> None:
    result = analyze("Breast cancer", EN_DRUG * 3000)  # ~1 MB
    assert "truncated" in result.notes
    assert result.relevance == "primary"


def test_language_hint_is_used() -> None:
    assert analyze(None, ES_SCREENING, language="es").language == "es"


def test_result_contract_and_versions() -> None:
    result = analyze("New drug cuts breast cancer deaths by a third", EN_DRUG)
    assert isinstance(result, AnalysisResult)
    line = result.to_jsonl_dict("a1")
    assert set(CONTRACT_KEYS) <= set(line)
    assert line["model_versions"] == ANALYZER_VERSIONS
    assert {"analyzer", "language", "topics", "tone"} <= set(ANALYZER_VERSIONS)
    json.dumps(line)  # serialisable


def test_warm_up_loads_only_what_articles_need_and_short_texts_still_work() -> None:
    """The warm-up sample is over lingua's 120-character limit (trigram models only); a
    short text afterwards loads the other models itself and is detected."""
    from preventia.nlp.language import WARM_UP_TEXT, LanguageDetector

    assert len(WARM_UP_TEXT) > 120
    detector = LanguageDetector()
    detector.warm_up()
    assert detector.detect("Breast cancer: new drug approved for women").language == "en"
    assert detector.detect("Cáncer de mama: nuevas terapias para mujeres").language == "es"
