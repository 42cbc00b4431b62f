"""What the converters of fitted models (scikit-learn, XGBoost) share.

Converting happens only in the user's Python process; the model file it produces is loaded by
C++ like any other, every field checked, and never runs code.
"""


class ConversionError(TypeError):
    """A fitted object, or a part of it, that outcore cannot compute exactly.

    The message names the object (`cannot convert FunctionTransformer(func=payment_lowerer):
    ...`) and why; nothing is ever approximated instead.
    """
