"""Static figures with matplotlib (imported inside the functions that draw). Every name is also ``ol.<name>``.

=============  ===================================================================================================
``style``      the book's look: one colour, dash pattern and marker per optimizer; ``use_book_style``
``geometry``   NumPy-only figure geometry shared with the explorers: ``exit_point``, ``axis_label``
``surface``    a surface alone: ``plot_contour``, ``plot_hessian_directions``, ``plot_taylor``
``runs``       optimizer runs: ``plot_paths``, ``plot_loss``, ``plot_distance``, ``small_multiples``, ...
``phase``      the phase diagram of a momentum method: ``plot_phase_diagram``
``numbers``    numbers for prose and explorers: ``format_number`` (``2.1 × 10⁻⁵``, a true minus, "below 10⁻¹²")
=============  ===================================================================================================

Every plotting function takes ``ax=None`` (a new figure) and returns the axes; ranges come from the surface.
"""
from . import geometry, numbers, phase, runs, style, surface  # noqa: F401

MODULES = ("style", "geometry", "surface", "runs", "phase", "numbers")
