"""Which category a submission belongs to. For now the channel's own category (the service code an
Open311 app chose, the hotline's 分类 column, the patrol worker's quick pick); the insight app's
classifier (`finegrid.insight.classify`) takes over here once it lands, behind this one function."""


def classify(submission) -> str:
    """The category code for a submission, or "" when an operator must classify it."""
    return submission.category_code or ""
