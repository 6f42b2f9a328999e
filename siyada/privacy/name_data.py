"""Generated training sentences for the learned name recogniser, in the markup of the labelled sets.

    python -m siyada.privacy.name_data --n 12000 --seed 7 > /tmp/names.txt

Genres: chats in Darija (Arabic script and Arabizi), voice-note transcripts, court decisions, police
reports, CVs, bank letters, pipe tables, code-switched messages, Tamazight in Tifinagh; about one
sentence in four is a hard negative with places, streets and institutions named after people, which stay
unmarked, while a public figure named in running text is marked. Slots: ``{P}`` a full name, ``{G}`` a
given name alone, ``{F}`` a family name alone, ``{FG}`` family name first, ``{I}`` an initial and a
family name, ``{EP}`` a public figure, ``{PL}`` a place named after a person, ``{TOWN}`` a town, ``{N}``
a number.
"""

from __future__ import annotations

import argparse
import random
import re
import sys

from siyada.privacy import name_lexicon as L
from siyada.privacy import name_templates as T2
from siyada.privacy.gazetteer import words
from siyada.privacy.public_figures import FIGURES_ALONE

FR = (
    "Je soussigné {P}, demeurant à {TOWN}, atteste sur l'honneur.",
    "Le tribunal a entendu {P}, né le {N}/03/1987, et son avocat Me {P}.",
    "Procès-verbal n° {N} : le nommé {P} a déclaré avoir vu {P} près du {PL}.",
    "Nom : {F} | Prénom : {G} | CIN : AB{N} | Ville : {TOWN}",
    "| {I} | {N} | {TOWN} |",
    "| {FG} | AB{N} | 06{N} |",
    "{P}, comptable, 5 ans d'expérience, {PL}, {TOWN}.",
    "CV — {P} — Formation : {PL} ({TOWN}) — Langues : arabe, français.",
    "Madame {F}, votre virement de {N} DH vers {P} a été exécuté.",
    "Le client {P} s'est présenté à l'agence {PL}.",
    "Rendez-vous au {PL} à 10h avec le docteur {P}.",
    "Mon voisin {G} travaille au {PL} depuis {N}.",
    "Le discours de {EP} a été diffusé hier soir.",
    "La délégation a visité le {PL} puis s'est rendue à {TOWN}.",
    "Réunion au {PL}, {TOWN} : présents {P}, {P} et {G}.",
    "Affaire {F} c/ {F}, audience du {N} mai, rapporteur {P}.",
    "Le témoin {P} affirme que la victime {P} habitait {PL}.",
    "L'élève {P} du {PL} est convoqué avec son tuteur {P}.",
    "Signé : {I}, chef de service, {PL}.",
    "Merci {G} pour ton aide, à demain au {PL}.",
    "Dossier suivi par {P} (poste {N}), {PL}, {TOWN}.",
    "Bénéficiaire {FG}, né à {TOWN}, domicilié {PL}.",
    "Conformément au Dahir n° 1-{N}, le {PL} est rattaché à {TOWN}.",
    "La fondation {EP} finance le {PL} de {TOWN}.",
    "{EP} a inauguré le {PL} de {TOWN}.",
    "Inscription au {PL} : {P}, classe {N}, parent {P}.",
    "Appeler {G} après 18h au 06{N}.",
    "Chère {G}, je te transfère le mail de {G}. Bisous, {G}",
    "Salut {G}, c'est {G}, rappelle-moi.",
    "{G} et {G} sont de permanence samedi.",
    "Hi team, {I} and {I} will join the call; details sent by {G}.",
    "Hey {G}, I paid the riad, can you send me your half? Thanks, {G}",
    "| {FG} | {N} | {N} |",
    "| {P} | B{N} | {N} | / | famille {F} | B{N} | {N} |",
    "| Pr. {I} | FMPC | / | Dr. {I} | {PL} |",
    "Le roi {EP} a reçu {EP} au palais.",
    "{P}, conducteur du véhicule B, permis n° {N}.",
    "Renter: {P}, US citizen. Second driver: {P}.",
    "Nom : {F} — Prénom : {G} — Profession : guide",
    "{F} {G}, né à {TOWN}, et {G} {F}, née à {TOWN}.",
    "| {P} | 06{N} | / | {GI} | 06{N} |",
    "Vendeur : {GI} (note 4,8/5)",
    "| Driver | Plate | / | {G} | {N} | / | {GI} | {N} |",
    "Salam {G}, send me the facture dial M. {F} before 5pm",
    "Call Mr. {F}'s assistant {G} tomorrow.",
    "Ms. {G} (HR) asked {G} about his time; next round with Mr. {F}.",
    "Prof. {G} – 06{N}",
    "Objet : RE: facture. {G}, le paiement a été effectué.",
    "J'ai vu {G}, le cousin de {G}, sortir de la maison.",
    "Le syndic M. {F} ne répond plus.",
    "{EP}, né à Tanger, a parcouru plus de 120 000 km.",
    "Selon {P}, président de la fédération, le stade sera livré.",
    "Surname: {F} Given names: {G} Passport No: AB{N}",
    "Khoya {G}, c'est {G} li 3tani ton numéro.",
    "LISTE DES BÉNÉFICIAIRES : {FG} – {FG} – {FG}",
    "Lease agreement: Landlord {P}; Tenant {X}; monthly rent {N} MAD.",
    "| Guest | Passport | Room | / | {I} | TK{N} | 204 | / | {X} | XE{N} | 207 |",
    "Constat : conducteur {X}, permis français n° {N}.",
    "Hey {XG}, for the trip I paid the riad; send me your half. {G}",
    "Renter: {X}, US citizen — Second driver: {P}.",
    "Your booking under {XF} is confirmed, said {G} at the riad.",
)
AR = (
    "أنا الموقع أسفله {P} الساكن ب{TOWN} أشهد بما يلي.",
    "حكمت المحكمة على المتهم {P} بحضور دفاعه الأستاذ {P}.",
    "صرح المشتكي {P} أنه شاهد {P} قرب {PL}.",
    "الاسم العائلي : {F} | الاسم الشخصي : {G} | المدينة : {TOWN}",
    "وجه {EP} خطابا إلى الأمة مساء أمس.",
    "زار الوفد {PL} ثم توجه إلى {TOWN}.",
    "المريض {P} يرقد في {PL} منذ {N} أيام.",
    "الطالبة {P} تدرس في {PL} ب{TOWN}.",
    "تم تحويل مبلغ {N} درهم إلى حساب {P}.",
    "حضر الاجتماع {P} و{P} و{G}.",
    "الوالدة {G} كتسلم عليك بزاف.",
    "الطبيب {P} كيخدم ف{PL}.",
    "راه {G} مشا ل{TOWN} مع {P}.",
    "واش شفتي {G}؟ قالت ليا {G} راه ف{PL}.",
    "سلام {G}، عيط ل{P} على {N}.",
    "المرحوم {P} دفن في {TOWN}.",
    "التقى {EP} بالمواطنين في {PL}.",
    "يسكن {P} في {PL} قرب {PL}.",
    "بحضور السيد {P} والسيدة {P}.",
    "أنا {G} من {TOWN}، خدام ف{PL}.",
    "{G} و{G} مشاو ل{TOWN}، رجعو معطلين.",
    "واش {G} رجع من {TOWN}؟ قالت ليا {G} بلي شافتو.",
    "عطيت الساروت ل{G} و قلت ليها تعطيه ل{G}.",
    "مبروك ل{G} و {G} على الزواج.",
    "شكون اللي خدا السوارت؟ {G} ولا {G}؟",
    "مشيت عند {G} الخضار، و{G} بقات فالدار.",
    "المعلم {G} غادي يجي غدا، خليت السوارت عند {G}.",
    "بلغ السلام ل{G} و {G} و الدراري.",
    "{G} خاصو يخلص الكرا للسي {G} قبل الخامس.",
    "الاستاذ {F} قال ل{G} خاصو يعاود الفرض.",
    "تلاقيت ب{P} فالترامواي.",
    "{G} ولد {G} جا سول عليك.",
    "{P} منت {F} شاركت فالمهرجان.",
    "استقبل الملك {EP} رئيس الحكومة {EP}.",
    "صرح {P} أنه سلم مبلغ {N} درهم ل{P}.",
    "يشهد العدلان {P} و{P} أن {P} باعت ل{P}.",
    "حضر أمامنا المسمى {P}، ابن {G} و {P}.",
    "تم الاستماع إلى الشاهدة {P} التي رأت المدعو {G}.",
    "| {P} | {N} | / | {G} | {N} | / | {G} | {N} |",
    "الأخ {G}، أرسل لك نسخة من العقد.",
    "الحاجة {G} طلبات منك تجيب الدوا من عند {F}.",
    "صيفط ليا الرقم ديال سي {G} {PROF}، بغيت نكمل معاه.",
    "عندك النمرة ديال لالة {G} {PROF}؟",
    "{G} {VERB} ليا الولد مريض.",
    "ختي {G} {VERB} الرقم، الجديد هو 07{N}.",
    "{G} و{G} {VERB}، العرس كان ف {PL}.",
    "شكون هاد {G} لي كيصيفط ليك الميساجات؟",
    "الحاج {G} مات الله يرحمو.",
    "عيطي للمعلمة {G} قولي ليها {G} مريض.",
    "الجار ديالنا {F} دار لاكسيدة.",
    "تم توقيف المدعو {I} على متن سيارة.",
    "وحيث صرحت الضحية {GI} بأن المتهم {GI} كان يتصل بها.",
    "حكمت المحكمة على المتهمين {I} و{I} بثلاث سنوات.",
    "واش عطيتي لـ{G} الساروت؟",
    "عطيت الساروت لـ{G} وقلت ل{G} يجي.",
    "هادي {G} مرات {G}، الرقم ديالي هو 06{N}.",
    "ألف {EP} كتابه في القرن الرابع عشر.",
    "أفادت مصادر أن {P} و{P} شاركا في الندوة.",
    "حضر الاجتماع كل من {G} ولد {G} {G} و{G} منت {G}.",
    "لائحة المستفيدين: {P} – {P} – {P}",
    "{G} رجع من {TOWN}؟ قالو ليا {G} شافتو فالكار.",
    "سلام خويا، راه {G} ديال جوميا غادي يدوز عندك العشية.",
    "عطيني النمرة ديال {G}، الضو مقطوع فالدار.",
    "جات خالتي {G} من بلجيكا، جابت الكادوات ل{G} و {G}.",
    "الاستاذة {G} قالت للوليدات يجيبو الدفاتر، و {G} نسا الكتاب.",
    "{G} نسات التلفون عندي، اللي بغاها يعيط ل {G} ختها.",
    "مع {G} و {G} مشينا للبحر.",
    "{G} صيفط ليا IBAN ديالو باش نصيفط ليه الفلوس.",
    "صافي {G} راني صيفطت ليك الفلوس.",
    "تلفون {G}: 06{N} هو اللي عندو الساروت.",
    "{G} قالت ليك راه {G} ما غاديش يجي اليوم.",
    "مشيت عند {G} الميكانيسيان قال ليا الفرانات خاصهم يتبدلو.",
    "يونس عطا ل{G} البطاقة ديالو.",
    "شفت {P} البارح فالماتش.",
    "اليوم عيد ميلاد {G} بنت {G}، ما تنساش الكادو.",
    "الشرطي قال ليا جيب السائق {G} والورقة ديالو.",
    "في الرواية، يتذكر الراوي جدته {G} وهي تحكي.",
    "حسن و{G} التوام ديال {G} نجحو ف الباك.",
    "الممرض {P} النمرة ديالو 06{N}.",
    "{G}، {G}، {G}: الاجتماع غدا مع {P}.",
)
ARABIZI = (
    "salam {G} labas? rani f {PL} m3a {G}",
    "ana smiti {P} mn {TOWN}",
    "{G} livreur jumia jab lcommande l {PL}",
    "3afak goul l {G} y3ayet liya",
    "khoya {G} khdam f {PL} dyal {TOWN}",
    "ghadi nchoufek m3a {P} 9bel {PL}",
    "wach {G} ja? la {G} mazal f {TOWN}",
    "rah {P} howa li kayn f {PL}",
    "merci {G} 3la had lkhedma, salut l {G}",
    "mol l7anout {G} 9al liya sir l {PL}",
    "ana w {G} w {G} ghadi nmchiw l {TOWN}",
    "euh bonjour ana {P} bghit nsowel 3la dossier dyali",
    "tlaqit {G} f {PL} ngolha t3ayet l {G}",
    "lmadame {F} gal liha {G} ma3andouch lwe9t",
    "{G} w {G} msafrin l {TOWN}, ghadi ykhliw {G} tchouf ddar",
    "{G} {G} {G} {G} match lyoum 6h f {PL}",
    "wach {G} sme3 b {G}? rah khdat bac",
    "{G} 9al lik rah mreed, 3ayet 3la {G}",
    "chkoun li 3ndo numero dial {G}? bghit n3ayet lih",
    "{G} gal lik ra bghak tjib lpaspor dialk",
    "wa {G} fin nta? {G} katsenak 9eddam {PL}",
    "3afak si {G}... sme7 lia, {G} dial l'association",
    "{G} ghadi ydir l3ers f salle, 3ayet l {G}",
    "fin nta ya {G}? lbatrone dial {G} gal lik tji f 8h",
    "cv dial {P} wsel? sifto lia 3afak",
    "sidi {G} rah jab lik l3rbon, moulay {G} ghadi ykhellsek",
    "slm {G}, ana {G} mn agence {PL}, dossier dyalk wajed",
    "{G} {PROF} {VERB} lcommande",
    "ba {G} {PROF} f {PL} mat, lah yr7mo",
    "hak nmra dial {G}: 06{N}, gol lih mn 3and {G}",
    "gol l {G} ychri lkhobz, w {G} tjib l7lib",
    "lyoum jat lalla {G} 3ndna, 9alt lik {G} rje3",
    "ewa a {G} hani wselt",
    "rbe7na lmatch! {F} dar goal",
    "l7aj {G} 3tana lkra, 3iyto l si {G}",
)
ZGH = (
    "ⵉⵙⵎ ⵉⵏⵓ {P}, ⴷⴷⵔⵖ ⴳ {TOWN}.",
    "ⴰⵣⵓⵍ ⴰ {G}, ⵎⴰⵏⵣⴰⴽⵉⵏ?",
    "ⵉⵙⵎ ⵏⵏⵙ {G}, ⵉⵅⴷⵎ ⴳ {PL}.",
    "{P} ⴷ {P} ⵓⵍⵍⵉⵏ ⵖⵔ {TOWN}.",
    "ⵜⴰⵎⴷⵔⴰⵙⵜ {PL} ⴳ {TOWN}.",
    "ⵜⴰⵎⵖⵔⴰ ⵏ {G} ⴷ {G} ⴰⵙⴽⴽⴰ ⴳ {TOWN}.",
    "ⴰⵙⵍⵎⴰⴷ {P} ⵉⵏⵏⴰ ⵉ ⵉⵎⵍⵎⴰⴷⵏ ⴰⴷ ⴰⵡⵉⵏ ⵉⴷⵍⵉⵙⵏ.",
    "ⴰⵏⵎⵎⴰⵍ: {P}, ⴰⵙⴳⴳⵯⴰⵙ {N}.",
    "ⵜⴰⵏⵎⵎⵉⵔⵜ {G}! ⴰⵔ ⴰⵙⴽⴽⴰ.",
    "ⴰⵣⵓⵍ {G}! ⵎⴰⵏⵣⴰⴽⵉⵏ?",
    "ⵜⴰⵙⵍⵎⴰⴷⵜ {P} ⵜⵙⵙⵍⵎⴰⴷ ⵜⴰⵎⴰⵣⵉⵖⵜ ⴳ {TOWN}.",
    "ⵜⴰⴽⴰⵕⴹⴰ ⵜⴰⵏⴰⵎⵓⵔⵜ ⵏ {P}: JT{N}.",
    "ⴰⵎⴷⴷⴰⴽⴽⵯⵍ ⵏⵏⵖ {P} ⵉⵣⵏⵣⴰ ⵜⴰⵎⵓⵜⵓⵔⵜ.",
    "{G} ⴷ {G} ⴷⴷⴰⵏ ⵙ {TOWN}.",
    "ⴷⴷⵉⵖ ⵙ {TOWN} ⴰⴽⴷ {G} ⴷ {G}.",
    "{G} ⵉⵙⴽⵔ ⴰⴷⵍⵉⵙ ⴼ ⵜⵓⵔⵜ ⵏ ⵜⵎⴰⵣⵉⵖⵜ.",
    "{P} ⵜⵓⵔⵓ ⴰⵔⴱⴰ, ⵉⵙⵎ ⵏⵏⵙ {G}.",
    "ⵉⵎⴷⴷⵓⴽⴰⵍ: {G}, {G} ⴷ {G} ⴷⴷⴰⵏ.",
    "{G} ⵉⵡⵉ ⵜⴰⴽⵓⵢⴰⵙⵜ ⵏⵏⵙ.",
    "ⵜⴰⵏⵎⵎⵉⵔⵜ ⵉ {G} ⴷ {G} ⵅⴼ ⵜⵡⵉⵙⵉ ⵏⵏⵙⵏ.",
    "ⴰⴷⵍⵉⵙ ⵏ ⵓⴼⵔⴰⴳ: JE{N} – {P} – ⵜⴰⵎⴷⵉⵏⵜ ⵏ {TOWN}",
    "ⵜⴰⴷⵔⵉⵙⵜ ⵏ ⵓⵍⵎⵎⴰⴷ: {P} ⵜⴰⵔⴰ.",
)
MIXED = (
    "Bonjour, ana {P}, bghit rendez-vous m3a Dr {P} f {PL}.",
    "Salam, c'est {G}, j'ai envoyé le dossier l {P} hier.",
    "{G} dyal {PL} a appelé, il veut parler m3a {G}.",
    "Transcription : euh… ana {G} euh {F}… kan3ich f {TOWN}…",
    "Le livreur {G} est passé, khellit lcolis 3end {G}.",
)


# No name at all: everyday sentences whose words are also given names ("من حسن الحظ", "سعيد بلقائك",
# "Amal est un espoir"), addresses and references; most real messages name nobody.
NEG_AR = (
    "من حسن الحظ أن الجو جميل اليوم.",
    "سعيد بلقائك، الله يحفظك.",
    "نور الشمس كيدخل من الشرجم.",
    "الأمل كبير في الشفاء إن شاء الله.",
    "هاد الدار جميلة بزاف والثمن مناسب.",
    "كان عادل في حكمه وكريم مع الناس.",
    "الحياة صعيبة ولكن الحمد لله.",
    "صافي راني جاي دابا، تسناني قدام {PL}.",
    "الملف رقم {N} موجود في {PL} ب{TOWN}.",
    "بغيت نعرف واش الإدارة مفتوحة نهار السبت.",
    "المرجو إرسال الوثائق قبل {N} يونيو.",
    "رشيد القرار ديال المجلس كان صائب.",
)
NEG_FR = (
    "Merci pour votre retour, je reste disponible.",
    "Le dossier n° {N} a été transmis au {PL}.",
    "Bonjour, le colis arrive demain à {TOWN}.",
    "Rendez-vous au {PL} à 9h, apportez vos papiers.",
    "Amal signifie espoir et Nour signifie lumière.",
    "La réunion est reportée à jeudi prochain.",
    "Veuillez trouver ci-joint la facture n° {N}.",
    "Le Conseil communal de {TOWN} a voté le budget.",
)
NEG_ARABIZI = (
    "salam labas 3lik? rani f {PL} daba",
    "wach kayn chi tobis l {TOWN} lyoum?",
    "safi ghadi nji ghedda inchallah",
    "had lblassa zwina bzaf w rkhissa",
    "ana mrid chwiya, ghadi nmchi l {PL}",
)


# Words that follow a name in chats and are not part of it: trades, and Darija verbs.
PROFESSIONS_AR = tuple(
    sorted(
        words(
            "البناء الخياطة الكهربائي الخضار الميكانيسيان الفرماسيان الجزار الحلاق "
            "الطباخة الموثق الجارة الجار "
            "الزلايجي الصباغ البقال السائق المعلمة الفقيه العطار الكسكس"
        )
    )
)
VERBS_AR = tuple(
    sorted(
        words(
            "قالت قال تزوجو بدلات عيط عيطات جا جات مشى مشات رجع رجعات مريض مريضة كذوب سول صيفط صيفطات "
            "كتسلم طلبت طلب خدا خدات نسات نسا دار دارت"
        )
    )
)
PROFESSIONS_LAT = ("livreur", "plombier", "l3ttar", "lbe9al", "mol l7anout", "lmekanisyan", "chauffeur")
VERBS_LAT = tuple(sorted(words("9al 9alt gal galt ja jat rje3 mreed sme3 dar khda tay3ayet 3tani ghadi jay")))


def _name(lang: str, kind: str, rng: random.Random) -> str:
    if lang in ("ar", "ary"):
        given, family = rng.choice(_AR_GIVEN), rng.choice(_AR_FAMILY)
    else:
        given, family = rng.choice(_LAT_GIVEN).title(), rng.choice(_LAT_FAMILY).title()
        if rng.random() < 0.15:
            family = ("El " if rng.random() < 0.5 else "Ben ") + family
    if kind == "P3":  # a three-part name: the model must not stop at the last part it knows
        if lang in ("ar", "ary"):
            more = rng.choice(_AR_FAMILY if rng.random() < 0.6 else _AR_GIVEN)
        else:
            more = rng.choice(_LAT_FAMILY if rng.random() < 0.6 else _LAT_GIVEN).title()
        kind, family = "P", f"{more} {family}" if rng.random() < 0.5 else f"{family} {more}"
    if kind == "S":  # given + ولد / بنت / Ould + a name: one person
        arabic = lang in ("ar", "ary")
        link = rng.choice(("ولد", "بنت", "منت") if arabic else ("Ould", "Mint", "Ben"))
        second = rng.choice(_AR_GIVEN if arabic else _LAT_GIVEN)
        kind, family = "P", f"{link} {second if arabic else second.title()} {family}"
    if kind == "G":
        name = given
    elif kind == "F":
        name = family.upper() if lang == "fr" and rng.random() < 0.4 else family
    elif kind == "FG":
        name = f"{family.upper()} {given}"
    elif kind == "I":
        name = f"{given[0]}. {family}"
    elif kind == "II":  # Arabic initials written tight: ح.ب, م.بنعلي
        name = f"{given[0]}.{family.removeprefix('ال')[0] if rng.random() < 0.6 else family}"
    elif kind == "GI":
        name = f"{given} {family[0] if not family.startswith(('El ', 'Ben ')) else family.split()[1][0]}."
    else:
        name = f"{given} {family}"
        if lang == "fr" and rng.random() < 0.1:
            name = name.upper()
    if lang == "ary-latn":
        name = L.arabizi(name, rng) if rng.random() < 0.7 else name
        if kind == "G" and rng.random() < 0.12 and name[0] in "bhmr3":  # the article: lmokhtar, l3arbi
            name = "l" + name
    elif lang == "zgh":
        name = L.tifinagh(name.lower().replace("o", "u"))
    return name


def _place(lang: str, rng: random.Random) -> str:
    if lang in ("ar", "ary"):
        return f"{rng.choice(L.PLACE_CUES_ARABIC)} {rng.choice(L.EPONYMS_ARABIC)}"
    place = f"{rng.choice(L.PLACE_CUES_LATIN)} {rng.choice(L.EPONYMS_LATIN)}"
    if lang == "ary-latn" and rng.random() < 0.5:
        return place.lower()
    return L.tifinagh(place.lower().replace("o", "u")) if lang == "zgh" else place


_PLAIN_TOWNS_AR = tuple(sorted(L.TOWNS_PLAIN_ARABIC))
_PLAIN_TOWNS_LAT = tuple(sorted(t.title() for t in L.TOWNS_PLAIN_LATIN))


def _town(lang: str, rng: random.Random) -> str:
    """Half the time a town named after a person (a hard negative), else any town or country."""
    plain = rng.random() < 0.5
    if lang in ("ar", "ary"):
        return rng.choice(_PLAIN_TOWNS_AR if plain else L.PLACE_TOWNS_ARABIC)
    town = rng.choice(_PLAIN_TOWNS_LAT if plain else L.PLACE_TOWNS_LATIN)
    if lang == "zgh":
        return L.tifinagh(town.lower().replace("o", "u"))
    return town.lower() if lang == "ary-latn" else town


_SLOT = re.compile(r"\{(P3|P|G|F|FG|I|II|GI|EP|PL|TOWN|N|PROF|VERB|X|XG|XF|S|NK|NKL|C|DIM|FIG)\}")
# Nicknames a record gives after "الملقب ب" / "alias" / "dit": a person's data too, marked as PERSON.
NICKNAMES_AR = tuple(sorted(words(
    """الطويل القصير الباشا الشلح الزعيم الحاج الكبير الصغير الأعور الفاسي العسكري البوهالي الشيخ
    الكوري الروبيو الحرش الزين البيضاوي الجبلي"""
)))  # fmt: skip
NICKNAMES_LAT = ("Bob", "Titi", "Le Grand", "Pipo", "Lmoul", "Chico", "Rambo", "Kiki", "Zizou", "Babas")


def _chain(lang: str, rng: random.Random) -> str:
    """A patronymic chain written as one name (round 10): given, then one to three "son of" links, then
    often a family name ("محمد بن أحمد بن عبد القادر الغماري", "السالك ولد محمد لمين ولد الناجم", Latin
    "ould" chains in lower case in chats)."""
    arabic = lang in ("ar", "ary")
    given, family = (_AR_GIVEN, _AR_FAMILY) if arabic else (_LAT_GIVEN, _LAT_FAMILY)
    links = ("بن", "ولد", "بنت") if arabic else ("ould", "ben", "bent", "ou")
    link = rng.choice(links)
    parts = [rng.choice(given)]
    for _ in range(rng.choice((1, 1, 2, 3))):
        parts += [link, _father(rng.choice(given), arabic)]
    if rng.random() < 0.7:
        parts.append(rng.choice(family))
    name = " ".join(parts)
    if not arabic and (lang != "ary-latn" or rng.random() < 0.3):
        name = " ".join(w if w in links else w.title() for w in parts)
    return L.tifinagh(name.lower().replace("o", "u")) if lang == "zgh" else name


def _father(name: str, arabic: bool) -> str:
    """A chain names fathers ("مروان ولد سعاد" is two people): a woman's name drawn is swapped for a man's,
    picked from the name itself so that the generator's random draws stay as they were."""
    men, known = (_AR_MEN, _AR_MEN_SET) if arabic else (_LAT_MEN, _LAT_MEN_SET)
    return name if name in known else men[sum(map(ord, name)) % len(men)]


def _round10_name(lang: str, slot: str, rng: random.Random) -> str:
    arabic = lang in ("ar", "ary")
    if slot == "C":
        return _chain(lang, rng)
    if slot == "DIM":  # a pet name alone, lower case in Arabizi chats
        name = rng.choice(_AR_DIM if arabic else _LAT_DIM)
        return name if arabic or lang == "ary-latn" else name.title()
    figure = rng.choice(_AR_FIG if arabic else _LAT_FIG)  # a public figure's family name alone
    return figure.lower() if lang == "ary-latn" and rng.random() < 0.7 else figure


def sentence(template: str, lang: str, rng: random.Random) -> str:
    """One markup line: names marked ⟦PERSON:…⟧, places and numbers left plain."""

    def fill(m: re.Match[str]) -> str:
        slot = m.group(1)
        if slot == "N":
            return str(rng.randint(1, 99999))
        if slot == "PL":
            return _place(lang, rng)
        if slot in ("X", "XG", "XF"):  # foreign names in Moroccan paperwork
            given, family = rng.choice(L.FOREIGN_GIVEN), rng.choice(L.FOREIGN_FAMILY)
            value = {"X": f"{given} {family}", "XG": given, "XF": family}[slot]
            return f"⟦PERSON:{value}⟧"
        if slot in ("C", "DIM", "FIG"):  # round 10
            return f"⟦PERSON:{_round10_name(lang, slot, rng)}⟧"
        if slot in ("NK", "NKL"):
            return f"⟦PERSON:{rng.choice(NICKNAMES_AR if slot == 'NK' else NICKNAMES_LAT)}⟧"
        if slot == "PROF":
            return rng.choice(PROFESSIONS_AR if lang in ("ar", "ary") else PROFESSIONS_LAT)
        if slot == "VERB":
            return rng.choice(VERBS_AR if lang in ("ar", "ary") else VERBS_LAT)
        if slot == "TOWN":
            return _town(lang, rng)
        if slot == "EP":
            arabic = lang in ("ar", "ary")
            figures = (L.EPONYMS_ARABIC + L.FIGURES_ARABIC) if arabic else (L.EPONYMS_LATIN + L.FIGURES_LATIN)
            figure = rng.choice(figures)
            return f"⟦PERSON:{figure}⟧"
        return f"⟦PERSON:{_name(lang, slot, rng)}⟧"

    return f"{lang}| " + _SLOT.sub(fill, template)


_LAT_GIVEN = sorted(L.GIVEN_ALL_LATIN)
_LAT_FAMILY = sorted(L.FAMILY_ALL_LATIN)
_AR_GIVEN = sorted(w.replace("_", " ") for w in L.GIVEN_ALL_ARABIC)
_AR_FAMILY = sorted(w.replace("_", " ") for w in L.FAMILY_ALL_ARABIC)
_LAT_DIM, _AR_DIM = sorted(L.DIMINUTIVES_LATIN), sorted(L.DIMINUTIVES_ARABIC)
# Men's names, roughly, for a chain's fathers: women's names mostly end in a vowel in Latin script
# ("fatima", "khadija", "imane") and in "ة", "اء", "ى" in Arabic; a few men's names are lost, none matter.
_WOMEN_AR = words("سعاد زينب مريم هند نوال إيمان سناء حسناء أسماء وداد فدوى سلمى ليلى هدى منى نجاة حياة سهام")
_AR_MEN = [
    g for g in _AR_GIVEN if not g.endswith(("ة", "اء", "ى", "و")) and g not in _WOMEN_AR and g != "ايطو"
]
_LAT_MEN = [
    g
    for g in _LAT_GIVEN
    if g not in L.DIMINUTIVES_LATIN
    and (not g.endswith(("a", "e", "i", "y", "h")) or g.endswith(("ine", "ane", "li", "di", "eh")))
]
_AR_MEN_SET, _LAT_MEN_SET = frozenset(_AR_MEN), frozenset(_LAT_MEN)
_LAT_FIG = sorted(f for f in FIGURES_ALONE if f.isascii())
_AR_FIG = sorted(f for f in FIGURES_ALONE if not f.isascii())
GENRES = (
    ("fr", FR + T2.FR2 + T2.FR4 + T2.FR5 + T2.FR10),
    ("ar", AR + T2.AR2 + T2.ARY2 + T2.AR4 + T2.ARY4 * 4 + T2.AR5 * 2 + T2.ARY5 * 3 + T2.AR10 * 2
     + T2.ARY10 * 2),
    ("ary-latn", ARABIZI + T2.ARABIZI2 + T2.ARABIZI4 * 2 + T2.ARABIZI5 * 2 + T2.ARABIZI10 * 2),
    ("zgh", ZGH + T2.ZGH2 + T2.ZGH4 * 2 + T2.ZGH5 * 2 + T2.ZGH10 * 2),
    ("mixed", MIXED + T2.MIXED2),
    ("ar", NEG_AR + T2.NEG_ARY2), ("fr", NEG_FR), ("ary-latn", NEG_ARABIZI), ("zgh", T2.NEG_ZGH),
)  # fmt: skip
WEIGHTS = (0.28, 0.25, 0.16, 0.07, 0.07, 0.08, 0.05, 0.03, 0.01)


def generate(n: int, seed: int) -> list[str]:
    rng = random.Random(seed)
    out = []
    for _ in range(n):
        lang, templates = rng.choices(GENRES, WEIGHTS)[0]
        out.append(sentence(rng.choice(templates), lang, rng))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=12000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    sys.stdout.write("\n".join(generate(args.n, args.seed)) + "\n")


if __name__ == "__main__":
    main()
