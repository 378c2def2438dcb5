"""The Spanish pages address the reader as "usted", never "tú": the Spanish catalogue's
translations hold none of the common tú forms (second-person verbs and pronouns, tú
imperatives, with their enclitics)."""

from __future__ import annotations

import re
from pathlib import Path

from babel.messages.pofile import read_po

CATALOGUE = Path(__file__).resolve().parents[2] / "web" / "translations" / "es" / "LC_MESSAGES" / "messages.po"
# Forms that only ever speak to "tú": pronouns and possessives, second-person verbs, the
# preterite's second person (enviaste, leíste) and imperatives with their enclitics.
TU_WORDS = re.compile(
    r"\b(tú|tu|tus|te|ti|contigo|tuyo|tuya|tuyos|tuyas"
    r"|puedes|tienes|debes|quieres|necesitas|eres|estás|sabes|hayas"
    r"|\w+(?:aste|íste)"
    r"|mantenlo|mantenla|ponle|dale|dime|hazlo|cópialo|cópiala|revócalo|revócala|guárdalo|guárdala|escríbelo|inténtalo"
    r"|vuélvelo|pruébalo|cámbialo|bórralo|úsalo|léelo|descárgalo|envíalo|revísalo|confírmalo|actívalo|desactívalo)\b",
    re.IGNORECASE,
)
# A tú imperative opening a sentence (a third person in the middle of one, "Un período se
# escribe…", is not addressed to the reader).
TU_IMPERATIVES = re.compile(
    r"(?:^|[.:;!?]\s+|[¡¿(]\s*)(Escribe|Elige|Envía|Revisa|Vuelve|Inicia|Introduce|Ingresa|Usa|Guarda|Pulsa|Haz|Pon|Confirma"
    r"|Comprueba|Intenta|Añade|Agrega|Selecciona|Copia|Descarga|Consulta|Lee|Mira|Recarga|Borra|Activa|Desactiva|Adjunta"
    r"|Completa|Rellena|Escoge|Indica|Redacta|Explica|Describe|Nombra|Elige|Ten|Sé|Di|Ven|Sal)\b",
)
NOT_TU = {"existe", "consiste", "asiste", "insiste", "resiste", "desiste", "subsiste", "persiste", "viste", "triste", "pasaste", "contraste", "baste"}


def tu_forms(text: str) -> list[str]:
    """The tú forms in ``text``, in their order."""
    found = [(m.start(), m.group(0)) for m in TU_WORDS.finditer(text) if m.group(0).lower() not in NOT_TU]
    found += [(m.start(1), m.group(1)) for m in TU_IMPERATIVES.finditer(text)]
    return [w for _, w in sorted(found)]


def test_the_spanish_catalogue_addresses_the_reader_as_usted() -> None:
    with CATALOGUE.open("rb") as f:
        catalogue = read_po(f, locale="es")

    found = {}
    for message in catalogue:
        if not message.id or not message.string:
            continue
        texts = [message.string] if isinstance(message.string, str) else list(message.string)
        words = [w for t in texts for w in tu_forms(t)]
        if words:
            found[str(message.id if isinstance(message.id, str) else message.id[0])[:60]] = words

    assert found == {}


def test_the_scan_finds_the_tu_forms_it_is_meant_to_find() -> None:
    assert tu_forms("Escribe un número de días.") == ["Escribe"]
    assert tu_forms("Tu nuevo token. Cópialo ahora.") == ["Tu", "Cópialo"]
    assert tu_forms("Esto cambió desde que lo leíste; vuelve a leerlo.") == ["leíste"]
    assert tu_forms("lo que puedes leer") == ["puedes"]
    assert tu_forms("Escriba un número de días. Su nuevo token: cópielo ahora. Un período se escribe AAAA.") == []
