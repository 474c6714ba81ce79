"""The candidate's projects, from their resume or project write-up: read it (PDF, Word,
Markdown, plain text), extract the projects with the lines they came from, keep them on this
machine, and tailor the project deep dive to them.

    read.py      a file -> its lines of text (pypdf for PDF)
    extract.py   lines -> Profile (projects: name, role, technologies, metrics, claims)
    store.py     the Profile as YAML in the data folder (mode 0600), and back
    importing.py a file -> the kept Profile (read, extract, store): what the CLI and app call
    tailor.py    a project + the deep-dive rubric -> a rubric that asks about that project
"""
