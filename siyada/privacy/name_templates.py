"""Round-2 templates for the name generator (:mod:`siyada.privacy.name_data`): the shapes an unseen set
still missed, written as general patterns, not as its sentences: names with no cue word at the start of
a chat, after a vocative or a kin word, in lists of names and numbers, three-part names whose last part
no list holds, two people joined by a kin word ("X ولد Y"), family name and given name in separate table
cells, and a word that follows a name without belonging to it. Slots as in ``name_data``, plus ``{P3}``
(a three-part name) and ``{S}`` (a Sahrawi or patronymic chain: given + ولد / بنت / Ould + name).
"""

from __future__ import annotations

FR2 = (
    "Stagiaire : {P3}, ENSA {TOWN}.",
    "La cérémonie s'est tenue en présence de {P3}.",
    "Participants : {P} <contact@gmail.com>, {P} <info@yahoo.fr>, {P}.",
    "Transcription messagerie : « Bonjour, ici {P} de l'agence, rappelez-moi au 06{N}. »",
    "… et mon nom {FG}, je répète, {FG}. »",
    "Nom : {F} Prénom : {G} Âge : {N} ans Mutuelle : CNOPS",
    "| {N} | {P3} | JC{N} | {N} DH |",
    "Vendeur : famille {F}, s'adresser à {P} au 06{N}.",
    "Un individu se faisant appeler « {F} » propose de faux contrats.",
    "Réunion demain avec {F}, {F} et {I} au siège.",
    "Pour {G} c'est {N} DH par mois, pour {G} aussi.",
    "Le joueur {P} et {P} figurent dans la liste.",
    "Fille de {G} et de {G}, née en 19{N} à {TOWN}.",
    "Tenant screening: applicant {P3}, Moroccan ID A{N}, employer {PL}.",
    "WhatsApp {G} at +212 6{N} or email {G}@gmail.com.",
    "Reviewed by {GI} — great stay near {PL}.",
    "Student record: {P}, ID {N}, major Business.",
    "Languages: Arabic, Tamazight, French, English. Contact {P}.",
    "Mrs. {P} (+212 5{N}) was the previous landlord.",
)
AR2 = (
    "الزوج {P3} بطاقة وطنية E{N}، الزوجة {P}.",
    "دائن للمدعى عليه {P3} بمبلغ {N} درهم.",
    "وحيث أدلت المدعية {P} بنسخة من عقد الزواج.",
    "المتفوقون: {S} ({N}.75)، {S} ({N}.40)، {P3} ({N}.12).",
    "| {G} | {F} | S {N} | 06{N} |",
    "السيدة {S}، من مواليد {TOWN}، حاملة للبطاقة الوطنية.",
    "السيد {P} والسيدة {P} يعلنان عن زفاف ابنتهما {G}.",
    "ترأست الأميرة {EP} حفل توزيع الجوائز بمدينة {TOWN}.",
    "في حق المتهمين {P} و{P}، وذلك بعشر سنوات سجنا.",
    "الطلبة: {P}، {P3}، {P}.",
    # A word after a name that is not part of it: an adjective or a participle (the three-part names
    # above must not teach the model to take any next word in).
    "السيدة {F} غائبة اليوم والسيد {F} حاضر.",
    "السيد {P} متغيب عن الجلسة رغم استدعائه.",
    "الأستاذة {F} مريضة، والأستاذ {P} مسافر.",
    "المتهم {P} معتقل والمشتكية {P} حاضرة بالجلسة.",
    "الطالبة {F} ناجحة بميزة حسن.",
)
ARY2 = (
    "{G} ولد {G} كيضرب الدراري فالساحة.",
    "واش شفتي {G} ولد الحاجة {G}؟",
    "مي {G} بغات تهضر معاك، عيط ليها.",
    "عافاك ا {G} ديرلي فيرمو ل {G}.",
    "الطبيب {G} ما غاديش يجي اليوم.",
    "الشاف {F} قال الخلصة غادي تعطل.",
    "تلاقيت ب{G} ف الطريق، قالي سلم على {G}.",
    "الشيفور سميتو {G} تقريبا.",
    "خليتي عند ماما {G} الدراري.",
    "شكون لي عندو الرقم ديال {F}؟ {G} كيقول 06{N}",
    "الكليان {F} عيط قال ليك الفاكتورة تبدلات.",
    "{G} لصقات ليا فالمجموعة الرسالة.",
    "{G} قالك راه الضمان الاجتماعي ديالو {N}.",
    "{P} صيفط ليك سلام من {TOWN}.",
    "راه {G} الجزار سد الحانوت، سير عند {G}.",
    "الجارة {G} قالت ليا ولدها {G} نجح فالباك.",
    "مشيت لعند {G} الكوافورة.",
    "الكراء حطيتو ف الحساب ديال {P}.",
    "{G}، {G} و{G} غادي يجيو معانا.",
    "{G} 06{N} {G} 06{N} هادو لي غادي ينظمو الخرجة.",
)
ARABIZI2 = (
    "{G} dyal l7anout gal lik jib lflouss ghda",
    "sm7 lia a {G} ma jawbtekch, kent f sbitar",
    "num dyal lalla {G}: 06{N}, dirha f lwhatsapp",
    "lbare7 {G} jab lina l7out mn {TOWN}",
    "hada dyal {G} li kaybi3 lkhodra",
    "salam {G}, rani f tri9 ghadi nwsel",
    "wach {P} mazal kaykhdem f {PL}?",
    "{G} mrida bzaf, khditha l docteur {F}",
    "{G} 06{N} {G} 06{N} {G} 06{N} zidhom f group",
    "cin dyal mama {G} hiya BK{N}",
    "smito {P}, sift lih lflouss",
    "a {G} la chefti {G} goul lih y3yet l si {G}",
    "[vocal] {G} 3afak 3ayti l {G}",
    "had l weekend ghadi nmchiw l dar lhaj {G} f {TOWN}",
    "{G} ghatji m3ana lconcert",
    "iphone 12 b 3500 dh, {G} f 06{N} whatsapp brk",
    "sbah lkhir {G}, wach sifti l cv?",
    "sift l {G} bla ma tgoul l {G}",
    "carte grise smya dyal {P}",
    "ra {P} mcha l france, {G} khdem blastou",
    "kolchi ghali wllah f {PL}, l7lib b 7.5",
    "{G} +212 6{N} {G} +212 6{N} hadou li khasshom yjiw",
)
MIXED2 = (
    "allo {G}, ecoute, noter had numero: 06{N}",
    "Salam {G}, 3afak dir l ICE dyal client f la facture.",
    "les coordonnées dyal le plombier? ah {G} 06{N}",
    "| {G} | 06{N} | {PL} |",
    "Azul {G}, tanmmirt 3la lmessage.",
)
ZGH2 = (
    "ⴰⵙⵍⵎⴰⴷ {P} ⵉⵔⴰ ⴰⴷ ⵉⵙⵙⵉⵡⵍ ⴷ ⵉⵎⴰⵔⴰⵡⵏ ⵏ ⵉⵏⵍⵎⴰⴷⵏ.",
    "ⵜⴰⵎⵖⴰⵔⵜ {P} ⵜⵜⵉⵏⵉ: ⵜⵉⵎⵍⵍⴰⵍⵉⵏ ⵜⵜⵏⵏⵣⴰⵏⵜ.",
    "ⵉⵙⵎ: {G} | ⵉⵙⵎ ⵏ ⵜⴰⵡⵊⴰ: {F} | ⴰⵙⵙ ⵏ ⵜⵍⴰⵍⵉⵜ: 19{N}",
    "ⴰⵎⴷⴰⵢⴰⵣ {P} ⵉⵙⵙⵏⴼⵍⵓⵍ ⴰⴷⵍⵉⵙ ⴰⵎⴰⵢⵏⵓ.",
    "ⵜⴰⵍⴳⴰⵎⵜ ⵏ ⵉⵏⵍⵎⴰⴷⵏ: {P}, {P}, {P}.",
    "ⵙⵙⵉⵡⵍ ⵖⵔ {G} ⴳ ⵓⵟⵟⵓⵏ 06{N}.",
    "ⴰⴱⴰⵖⵓⵔ ⵉⵎⵖⵓⵔⵏ ⵉ ⵓⵎⵖⴰⵔ ⵏⵏⵙ {G}.",
    "ⴰⵎⵢⴰⵡⴰⵙ {P} ⵉⵜⵜⴰⵔⴰ ⵙ ⵓⵎⴰⵢⵍ.",
    "ⵜⴰⵎⵖⴰⵔⵜ {P} ⵜⴼⴽⴰ ⴰⵟⵟⵓⵏ ⵏ ⵜⴽⴰⵔⴹⴰ ⵏⵏⵙ JT{N}.",
    "ⴰⵏⵍⵎⴰⴷ {P} ⵢⵓⵡⵉ ⴰⵎⵣⵡⴰⵔⵓ ⴳ ⵜⵙⵏⴰⵡⵉⵜ.",
)
NEG_ZGH = (
    "ⴰⵙⵓⵔⵉⴼ ⵏ ⵉⵎⵏⵣⴰⵢⵏ: ⴰⵎⵙⵏⵓ ⵏ {TOWN}, ⴰⵍⵉⴳⴰⵏ ⵏ {TOWN}, ⴱⴰⴱ {TOWN}.",
    "ⵜⴰⵎⴷⵉⵏⵜ ⵏ {TOWN} ⵜⵍⵍⴰ ⵖⵔ ⵜⵙⴳⴰ ⵏ {TOWN}.",
    "ⵜⴰⵙⵏⴰⵡⵉⵜ {PL} ⴳ {TOWN}.",
    "ⴰⵙⵍⵎⴰⴷ ⵉⵔⴰ ⴰⴷ ⵉⵙⵙⵉⵡⵍ ⴷ ⵉⵎⴰⵔⴰⵡⵏ ⵏ ⵉⵏⵍⵎⴰⴷⵏ.",
    "ⵜⴰⵙⴷⴰⵡⵉⵜ ⴷ ⵜⵙⴷⴰⵡⵉⵜ ⵏ {TOWN} ⵙⵎⵎⵓⵙ ⵏ ⵓⴳⴷⴰⵍ.",
)
NEG_ARY2 = (
    "خويا كنبيع البطاقة ديال تيليبوتيك، جي لعند {PL}.",
    "مقطوع الضو نهار الأحد بأحياء {PL} و{TOWN}.",
    "ملي تفوت {PL} دور على ليمن.",
    "عيطت للإدارة ديال {PL} ف {TOWN}، قالو ليا سير غدا.",
    # Words that are names once their article is read off: العمر (age), الكريم, الحسن, الأمين…
    "تم توقيف شخص يبلغ من العمر {N} سنة بمدينة {TOWN}.",
    "حفظ القرآن الكريم في {PL} ونال الجائزة.",
    "الحسن والجميل في هاد المدينة هو {PL}.",
    "المدير الأمين العام للجمعية قدم التقرير.",
)

# Round 4: the shapes the fifth blind set still missed, as general patterns: a lone given name with no
# cue in a Darija chat in Arabic script (at the start, after "بقا غير", "راه", a kin word, a vocative),
# a name then a Darija word that is not part of it, a public figure or a witness after a role word, and
# Tifinagh forms and lists. (Family names made up by changing letters of listed ones, so that the model
# would meet names no list holds, lowered all three held-out sets at rates 0.15 and 0.3: dropped.)
ARY4 = (
    "بقا غير {G} ما خلصش، الباقي كلشي خلص.",
    "راه {G} ولات خدامة فالسبيطار.",
    "{G} ماشي متأكد واش يجي معانا.",
    "{G}، {G} ديالك عيط عليك البارح.",
    "الوالد {G} كيسلم عليك بزاف.",
    "الوالدة {G} مريضة شوية، دعي معاها.",
    "سماوه {G} الله يخليه لواليديه.",
    "{G} و{G} و{G} نجحو فالباك.",
    "كيقولو ليه {G} ولد الدرب.",
    "قول ل{G} يجيب معاه الساروت.",
    "آلو {G}، سجلي عندك هاد النمرة.",
    "شفتي {P} فالتلفزة البارح؟",
    "كنت عند {G} {PROF}، قال ليا {P} رجع من {TOWN}.",
    "{G} شدوه البوليس فالباراج.",
    "خاي {G} شرا طوموبيل جديدة.",
    "مرات {G} ولدات البارح، الله يكمل بالخير.",
    "الدكتور {F} فالمعاريف كيخدم مزيان.",
    "{G} ديال البنك قالت ليا نجيب الأوراق.",
    "واش كاين شي حد كيعرف {S}؟",
    "صيفطت الفلوس ل{G}، بقا غير {G}.",
    "{G} خوك فين مشى؟ ما كيجاوبش.",
    "خلص {G} الصباغ وزيدو شي حاجة.",
    # a name, then a word of the sentence: a verb, a trade, a time word (not a family name)
    "سير عند {G} {PROF}، هو اللي كيعرف.",
    "{G} {VERB} البارح مع الدراري.",
    "ولد {G} تزاد البارح فالسبيطار.",
    "شفت {G} {PROF} فالسوق.",
    "تبارك الله على {G}، نجحات فالباك.",
    "{G} {VERB} ليا الفلوس.",
)
AR4 = (
    "أكد الوزير {P} أن المشروع سيعرض على البرلمان.",
    "صدر للكاتب {P} كتاب جديد عن دار نشر بالرباط.",
    "وفاة الفنانة {P} عن عمر يناهز {N} سنة.",
    "وأصيب السائق {P} بجروح خفيفة ونقل إلى المستشفى.",
    "صرح {P} من مواليد 19{N} بمدينة {TOWN} أنه يشتغل تاجرا.",
    "الحساب البنكي للمستفيد {P}: 0{N}",
    "أوقفت الشرطة المشتبه فيهما {I} و{I} من أجل السرقة.",
    "فحص الطبيب {P} المريضة صباح اليوم.",
    "حضر اللاعب {P} والمدرب {P} الندوة الصحفية.",
)
ARABIZI4 = (
    "ra {P} khdam daba f {PL}, 9al lik 3ayet",
    "chkoun 3ndo numero d {P}? bghit nsewlo",
    "rani 9dam dar {G}, fin nta?",
    "wach {G} ghadi yji l3ers?",
    "{G} l'coiffeuse 9alt lik rdv ghda",
    "3afak sift l {G} l code wifi",
    "lbare7 chft {P} f {PL}, kan m3a chi wa7d",
    "numero d ustad {F}? bghit nsewlo 3la note",
    "{G} ra sifetlek l pdf f gmail",
)
ZGH4 = (
    "ⵉⵙⵎ: {G} | ⵉⵙⵎ ⵏ ⵜⵡⵊⵊⴰ: {F} | ⴰⵏⵎⴰⵍⴰⵙ: 06{N}",
    "ⴰⴼⴰⴷ ⴰⴷ ⵉⵙⵙⵏ ⵎⴰⵏⵣⴰ ⵜⵍⵍⴰ {G}.",
    "ⵉⵙⵎ ⵏⵏⵙ {P} ⴷ ⵓⵎⴷⴷⴰⴽⴽⴰⵍ ⵏⵏⵙ {P}.",
    "ⴰⵔⵎⵎⵓⵙ ⵏ ⵜⴰⵏⴰⵣⵓⵔⵜ: {P} ⵉⵙⴽⵔ ⵉⵣⵍⴰⵏ.",
    "ⴰⵎⵓⵙⵙⵓ: {P} ⴷ {P} ⵙⵙⵓⴷⵓⵏ ⴰⵎⵢⴰⵡⴰⵙ.",
    "ⵜⵉⵣⵉⵔⵉ ⵏ ⵎⴰⵙⵙⴰ {P} ⴳ {TOWN}.",
    "{P} ⵜⵙⵙⵓⴷⵓ ⴰⵙⵎⵓⵏ ⵏ ⵜⵎⵖⴰⵔⵉⵏ.",
)
FR4 = (
    "Landlord: {X}. Tenant: {P}, passport on file.",
    "Please find the payment details: beneficiary {P}, bank account attached.",
    "Reminder from Dr. {P}'s clinic: your appointment is on Monday.",
    "Élèves concernés : {G}, {G}, {G}.",
    "Le tribunal confie la garde de l'enfant {G} à la mère.",
)

# Round 5 (the sixth blind set's misses, by shape): a lone given name after a Darija preposition or
# before a number, a family name after "the house of", "the pharmacy of", "doctor"; a nickname after
# "الملقب ب" / "alias" / "dit" (a person's data too); Arabic initials written without spaces (ح.ب,
# م.بنعلي); Tifinagh names after kin words, prepositions and "and"; Arabizi names after "sma7 li", "l".
ARY5 = (
    "صيفط ليها شي حاجة مع {G} غدا الصباح.",
    "مشيت مع {G} ل دار {F} فالحي.",
    "اللي مهتم يتصل ب {G} 06{N}",
    "موعد التلقيح ديال {G} نهار {N} فالمستوصف.",
    "الأستاذة {G} قالت {G} كيتلاهى فالقسم.",
    "جات عندنا {G} الخدامة الجديدة.",
    "صيفط ل{G} {N} درهم باسم {G}.",
    "شكرا بزاف للدكتور {F} على العملية.",
    "الدوا موجود فالفارماسي ديال {F} حدا السوق.",
    "{G} لولد {F} نجح فالباك.",
    "قالت ليا {G} بلي {G} تزوج ب {G} بنت {F}.",
    "سير لعند با {G} {PROF}، عندو كلشي.",
    "{G} و{G} خواتات الواليد جاو من {TOWN}.",
    "خلص فالكونط ديال الحاج {P} 0{N}",
    "السمية ديال المول {P}، النمرة ديالو 06{N}",
)
AR5 = (
    'صرح المشتكي {P} أن المسمى {G} الملقب ب"{NK}" سرق منه هاتفه.',
    'أدين المتهم {P} المعروف ب"{NK}" بسنتين حبسا.',
    "تمكنت عناصر الشرطة من توقيف المشتبه فيه {II} البالغ من العمر {N} سنة.",
    "أصدرت الغرفة الجنائية قرارها في حق المتهمين {II} و {II} بالسجن النافذ.",
    "الدراجة النارية التي كان يسوقها القاصر {II} بدون خوذة.",
    "وحيث إن الطاعن {S} يعيب على القرار المطعون فيه خرق القانون.",
    "وحيث إن المدعى عليه {S} لم يحضر رغم توصله بالاستدعاء.",
    "أكدت الشاهدة {P} أن المتهم {P} كان رفقتها ليلة الحادث.",
)
FR5 = (
    "le suspect {P}, alias « {NKL} », détenait deux cartes.",
    "Le mis en cause {FG}, dit « {NKL} », a été interpellé.",
    "Merci pour la présentation. Best, {X}",
    "Vends moto, contactez {G} au 06{N}.",
    "Qui contacter pour l'inscription de {G} ? Merci.",
    "{G} était en réunion avec le directeur {F}.",
    "Le professeur {P3} est évoqué dans la conférence.",
)
ARABIZI5 = (
    "sma7 li {G}, ghadi nt3e3tel chwiya",
    "3ayet l {G} {PROF} bach ysifet lik",
    "{G} {F} huwa li dar lina l'installation",
    "{G} mrat {P} dkhlat sbitar",
    "3ndo l contact dyal l'avocat {F}",
    "9ol lih si {G}... la {G} {PROF} dyal derb",
    "{G} s7abi, 3ndo hanout, smito {P}",
    "{G} 06{N} {G} 07{N} {G} 06{N}",
)
ZGH5 = (
    "ⵉⵎⵎⴰⵙ ⵏ {G} ⵜⵙⴽⵔ ⵜⴰⵣⵍⴰⵍⵜ ⴳ ⵓⵙⵓⵇ.",
    "ⵉⵏⵏⴰ ⵢⴰⵙ {G} ⵉ {G} ⴰⴷ ⵜⴷⴷⵓ ⵙ {TOWN}.",
    "ⵉⵎⵎⴰ ⵜⵙⴽⵔ ⴰⵖⵔⵓⵎ ⵉ {G} ⴷ {G}.",
    "ⵜⴰⵎⵖⴰⵔⵜ {G} ⵜⵣⵣⵏⵣ ⵉⵥⵕⵉⴱⵉⵢⵏ ⴳ ⵓⵙⵓⵇ.",
    "ⴰⵙⵏⴼⵍⵓⵍ ⵏ ⵜⴰⵏⵎⵎⵉⵔⵜ ⵉ {P} ⵅⴼ ⵜⵉⴼⵍⵡⵉⵏ ⵏⵏⵙ.",
    "ⵉⵍⵍⵉ ⵏ {P} ⵜⵓⵙⵉ ⴰⴷⵍⵉⵙ ⵉ {G}.",
    "ⴰⵎⴷⵢⴰⵣ {P} ⵉⵏⵏⴰ ⴰⵙⵉⴷⵏ ⴳ ⵜⵎⵖⵔⴰ ⵏ {G}.",
    "ⴰⵏⴰⵎⴰⵙ: {P} — ⵜⵉⵔⵔⵓⵜ: {N}",
    "ⴰⵙⵙⵉⵔⵎ ⵉⵎⵖⵓⵔⵏ ⵉ {P} ⴷ {P} ⵙ ⵓⵎⵔⴰⵔ ⵏⵏⵙⵏ.",
)

# Round 10 (wild13's and wild14's misses, by category): patronymic chains written as one name in court
# and police Arabic and in Sahrawi registers ({C}: given + بن/ولد/بنت + one to three names, often a family
# name), pet names alone in chats ({DIM}), public figures by family name alone ({FIG}), lone names after
# a title or an honorific that stays outside the name (مولاي, السيد, الحاج, lhaj, si, moulay), a chat's
# speaker labels ("omar: ah ana f gare").
AR10 = (
    "حيث إن المسمى {C} صرح أمام الضابطة القضائية بأنه لا علم له بالمنسوب إليه.",
    "وحيث دفع دفاع المتهم {C} ببطلان محضر الضابطة القضائية.",
    "حضر أمامنا المسمى {C}، المزداد سنة 19{N} ب{TOWN}، وصرح بما يلي.",
    "تقدمت المدعية {C} بمقال افتتاحي ترمي من خلاله إلى التطليق للشقاق.",
    "قضت المحكمة بإدانة المتهم {C} بسنة حبسا موقوفة التنفيذ.",
    "وحيث إن الزوجين {C} و{C} أدليا بعقد الزواج المؤرخ في {N}.",
    "لائحة المستفيدين: {C}، {C}، {P}.",
    "تم الاستماع إلى المشتكية {C}، ربة بيت، المزدادة سنة 19{N}.",
    "وحيث إن الطاعن مولاي {P} لم يدل بما يثبت أداء الرسوم القضائية.",
    "توصلنا من السيد {P} بمبلغ {N} درهم نقدا.",
    "استقبل رئيس الحكومة الوزيرة {EP} لتدارس مشروع القانون.",
    "سجل {FIG} هدفا رائعا في مباراة البارحة.",
    "أحرز العداء {P} الميدالية الذهبية في سباق {N} متر.",
)
ARY10 = (
    "{DIM} فين غبرتي؟ عيط ليا دابا",
    "واش شفتي {DIM} اليوم؟",
    "قول ل{DIM} يجيب معاه الخبز",
    "آ {DIM} راني حداك فالقهوة",
    "{DIM} قالت ليك ماتنساش الدوا",
    "جيب معاك {DIM} و{G} للعرس",
    "شفتي {FIG} كيفاش لعب البارح؟",
    "{FIG} و{FIG} ماكانوش فالتشكيلة",
    "الحاج {G} مول الحانوت قال ليا الثمن طلع",
    "سير عند {G} {F} راه هو اللي كيصلح التلفون",
    "الشيخ {C} صاحب الخيمة الكبيرة",
)
ARABIZI10 = (
    "{DIM} 3afak jib m3ak lkhobz",
    "a {DIM} fin nta? ana f lqahwa",
    "wach chfti {DIM} lyoum?",
    "9ol l {DIM} ycallini daba",
    "{G}: wsselt?? / {G}: ah ana f gare",
    "lhaj {G} mol lhanout 9al lia taman tla3",
    "si {G} ghadi yji ghedda l dar",
    "moulay {G} ydouz 3andi f lbureau",
    "smhli a sidi {G} ma3rftch nmrtk",
    "{FIG} ma l3bch mzyan lbare7",
    "chfti goal dyal {FIG}? wa3r",
    "{C} mn laayoune, jay l rbat f lkhedma",
    "ana {C} mn tiznit, bghit n3rf lwra9",
    "wa {G} rani wslt l gare",
)
FR10 = (
    "Le joueur {FIG} a marqué le but de la victoire hier soir.",
    "Transmission de l'acte de naissance de ma mère, {C}, pour la succession.",
    "Footballer {FIG} was left out of the squad for the friendly.",
    "Je vous présente {DIM}, ma petite sœur, qui cherche un stage.",
)
ZGH10 = (
    "ⵜⴰⵏⵎⵎⵉⵔⵜ ⴰ {G}!",
    "ⵓⵟⵟⵓⵏ ⵏ {G}: 06{N}",
    "ⵉⵏⵏⴰ ⵢⵉ ⴷⴰⴷⴰ {G} ⵉⵙ ⵔⴰⴷ ⵢⴰⵙ ⴰⵙⴽⴽⴰ.",
    "ⵜⴰⵎⵓⴱⵉⵍ ⵏ {G} ⵜⵍⵍⴰ ⴳ ⵎⵉⴷⵍⵜ.",
    "ⴰⵙⵍⵎⴰⴷ {P} ⵉⵙⵙⵓⵜⵍ ⵉⵏⵍⵎⴰⴷⵏ.",
)
