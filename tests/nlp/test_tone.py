"""Tone mechanisms: critical framing, negation, balance and background figures (EN/ES)."""

from __future__ import annotations

import pytest

from preventia.nlp import analyze


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Panel says routine breast scans for young women aren't effective",
            "A review of screening programmes found that yearly mammograms for women in their "
            "forties did not reduce breast cancer deaths. The scans led to false positives, "
            "overdiagnosis and unnecessary biopsies, and the harms outweigh the benefits, the "
            "panel concluded. Breast cancer specialists said the results question the benefit "
            "of starting mammography at forty.",
        ),
        (
            "Estudio cuestiona el beneficio del cribado de cáncer de mama",
            "Un estudio cuestiona el beneficio del cribado anual con mamografía. Las "
            "mamografías no redujeron la mortalidad por cáncer de mama y causaron falsos "
            "positivos, sobrediagnóstico y biopsias innecesarias, advierten los autores.",
        ),
    ],
)
def test_critical_screening_story_is_negative(title: str, text: str) -> None:
    assert analyze(title, text).tone == "negative"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Is a new breast cancer scan worth it?",
            "A new breast cancer scan finds more small tumours, researchers said, but it also "
            "leads to more false positives and extra biopsies. Experts are divided and the "
            "debate over its cost continues. The breast cancer scan may help some women, while "
            "others will face unnecessary worry.",
        ),
        (
            "Cáncer de mama: una nueva prueba divide a los expertos",
            "Una nueva prueba de cáncer de mama detecta más tumores pequeños, pero también "
            "produce falsos positivos. Los expertos mantienen el debate sobre sus beneficios y "
            "riesgos. La prueba podría ayudar a algunas mujeres con cáncer de mama.",
        ),
    ],
)
def test_mixed_story_is_not_positive(title: str, text: str) -> None:
    assert analyze(title, text).tone == "neutral"


@pytest.mark.parametrize(
    ("title", "text"),
    [
        (
            "Breast cancer drug did not raise the risk of heart disease",
            "Women taking the breast cancer drug did not have a higher risk of heart disease "
            "than women on placebo, a large trial found. The breast cancer drug is safe for "
            "the heart, the researchers said, which should reassure patients.",
        ),
        (
            "El fármaco contra el cáncer de mama no aumenta el riesgo cardiaco",
            "Las mujeres tratadas con el fármaco contra el cáncer de mama no tienen mayor "
            "riesgo de enfermedad cardiaca, según un ensayo. El tratamiento del cáncer de mama "
            "es seguro y ayuda a las pacientes, concluyen los investigadores.",
        ),
    ],
)
def test_negated_risk_is_not_negative(title: str, text: str) -> None:
    assert analyze(title, text).tone != "negative"


def test_background_figures_do_not_make_awareness_news_negative() -> None:
    text = (
        "El cáncer de mama es la primera causa de muerte por cáncer en mujeres y cada año se "
        "diagnostican 35.000 casos en España. Este octubre, la asociación de pacientes organiza "
        "una caminata y una campaña de información sobre el cáncer de mama en su ciudad."
    )
    assert analyze("Octubre rosa: caminata por el cáncer de mama", text).tone != "negative"


def test_revoked_approval_reads_as_bad_news() -> None:
    text = (
        "Regulators are revoking the approval of a breast cancer drug after trials showed no "
        "benefit in survival. Patients with breast cancer who rely on the drug worry about "
        "losing access, and doctors warn of a shortage of alternatives."
    )
    assert analyze("Breast cancer drug loses approval", text).tone == "negative"


def test_tone_evidence_names_the_cues() -> None:
    result = analyze(
        "Study questions the benefit of breast cancer screening",
        "The study questions the benefit of screening for breast cancer in older women and "
        "warns of overdiagnosis.",
    )
    assert result.evidence is not None
    assert result.evidence.tone_negative
