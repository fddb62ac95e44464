"""sim2: a second, independent ballot simulator used as a judge of the reader.

It shares no code and no drawing assumptions with ``scanner.marks`` / ``scanner.scanfx`` /
``scanner.simulate``.  Geometry comes only from a template directory's ``template.json`` and its
printed ``ballot.pdf``; pens are modelled as ink deposited along hand-drawn polylines (pressure,
width, skips, graphite grain, felt bleed) and combined with the paper by a Beer-Lambert layer
model; scans are degraded with augraphy plus the physical models in :mod:`bench.sim2.artefacts`
and :mod:`bench.sim2.optics`.

Modules:
    layout      template geometry and the cached render of the printed ballot
    paper       the printed sheet: paper tone, toner, a printer's low-ink bands and mottle
    ink         the sheet as light sees it (Beer-Lambert ink layers) and the stroke rasteriser
    pens        the pen catalogue: how each pen turns a hand movement into ink
    shapes      hand movements for clear marks
    writing     doubtful marks, struck-out names and margin handwriting
    voter       what a voter draws on a sheet and the truth derived from what stays visible
    optics      the scanner's or camera's geometry and sharpness
    artefacts   scanner, copier and paper artefacts (streaks, rollers, corners, dust, crease)
    capture     scanner counts, augraphy paper texture, visibility of every drawn item
    profiles    named scan profiles (office, cheap, bilevel, streaky; photo: photocopy, phone)
    photo       captures through a second imaging step: photocopy, phone photo
    containers  the files a scanner writes (JPEG, PNG, G4 TIFF, PDF of JPEG or 1-bit pages)
    truth       the truth file in the format of the project's simulator
    make        the command line and parallel generation
"""
