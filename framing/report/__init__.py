"""What a study shows a reader: the paper's figures redrawn from the results
(``paper_figures``, ``framing plot``) and one self-contained HTML page of the whole study
(``page``, ``framing report``). This layer only reads what the other commands wrote."""
