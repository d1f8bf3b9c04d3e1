"""Every figure of the toolkit, in one house style (``style.py``), one module per figure:

    outlet_mix.py        framing mix per outlet on the labelled set: gold vs out-of-fold
    prediction_mix.py    framing mix per outlet of a new corpus (framing predict)
    model_comparison.py  macro-F1 with intervals of every family
    label_f1.py          per-label F1 heatmap
    cooccurrence.py      gold frame co-occurrence
    confusion.py         stance confusion matrix
    learning_curve.py    macro-F1 against labelled training sentences

Each ``plot_*`` function writes STEM.pdf, STEM.png (300 dpi) and STEM.csv (the plotted
numbers) and returns them as ``FigureFiles``. ``framing plot`` redraws the paper's figures.
"""
