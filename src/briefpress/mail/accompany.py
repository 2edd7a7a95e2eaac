"""The brief behind each reader's letter, in the reader's language where there is one.

A letter names the brief it accompanies (``accompanies: overview-models``). A project
that has that brief in other languages keeps each as its own brief, named by the
convention the shipped project follows: the id, a hyphen and the language tag
(``overview-models-es``, ``overview-models-pt-BR``). A reader gets the edition in their
language (their tag, else its language), and the named brief when there is none.
"""

from __future__ import annotations

from briefpress.core import i18n
from briefpress.data.load import Project, load_brief
from briefpress.data.model import BriefSpec


def accompanies(letter: BriefSpec) -> str | None:
    """The id of the brief the letter names, if any."""
    return letter.letter.accompanies if letter.letter else None


def load_editions(project: Project, target: str) -> None:
    """Load the briefs named ``<target>-<tag>`` into the project, beside ``target``."""
    for path in sorted(project.briefs_dir.glob(f"{target}-*.yaml")):
        if path.stem not in project.briefs:
            brief = load_brief(project, path)
            if brief is not None:
                project.briefs[brief.id] = brief


def brief_for(project: Project, letter: BriefSpec, language: str) -> str | None:
    """The id of the brief behind the letter of a reader of ``language``."""
    target = accompanies(letter)
    if target is None:
        return None
    named = project.briefs.get(target)
    if named is not None and named.language.lower() == language.lower():
        return target
    for tag in dict.fromkeys((language, i18n.base_language(language))):
        edition = project.briefs.get(f"{target}-{tag}") or project.briefs.get(
            f"{target}-{tag.lower()}"
        )
        if edition is not None and i18n.base_language(edition.language) == i18n.base_language(
            language
        ):
            return edition.id
    return target


def briefs_by_language(project: Project, letter: BriefSpec, languages: list[str]) -> dict[str, str]:
    """Language -> the id of the brief its readers get, for each language of a mailing."""
    found = {}
    for language in languages:
        brief_id = brief_for(project, letter, language)
        if brief_id is not None:
            found[language] = brief_id
    return found
