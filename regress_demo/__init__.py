"""Watch a tiny NumPy neural network learn the sine curve, rendered as an animated GIF.

    from regress_demo import Settings, make_gif
    result = make_gif(Settings(n_mid=3, eta=0.1, epoch=2001), "outputs/sin.gif")
    print(result.final_error)
"""

__version__ = "0.1.0"

from .layers import MiddleLayer, OutputLayer  # noqa: E402
from .run import make_gif  # noqa: E402
from .settings import Settings, SettingError  # noqa: E402
from .train import Snapshot, Training  # noqa: E402

__all__ = [
    "MiddleLayer",
    "OutputLayer",
    "Settings",
    "SettingError",
    "Snapshot",
    "Training",
    "make_gif",
]
