"""Word lists that train the learned name recogniser: more Moroccan given and family names than the rule
gazetteer holds (Arab, Amazigh, Sahrawi, Jewish Moroccan, French-style), their Arabizi spellings and
Tifinagh forms, and people's names that are also places, streets and institutions (hard negatives).

The rule gazetteer (:mod:`siyada.privacy.gazetteer`) stays the precise, hand-checked list; these lists
only feed the generator (:mod:`siyada.privacy.name_data`) and the model's gazetteer features.
"""

from __future__ import annotations

import random

from siyada.lang.tifinagh import to_tifinagh
from siyada.privacy.gazetteer import FAMILY_ARABIC, FAMILY_LATIN, GIVEN_ARABIC, GIVEN_LATIN, words

MORE_GIVEN_LATIN = words(
    """abdelouahab abdennabi abdelkebir abdeljabbar abdessalam abdelmoumen abdelmounim abdelbasset
    aissa akram alae amjad anouar arafat atik azeddine bachir boubker bouazza chouaib chouaib dris
    el-mostafa ezzedine fayssal ghazi habib hachem hafidh haj hamdi hammadi hassan hatem hamou houcine
    jaafar jilali kacem kamal kebir lahbib larbi maati mahjoub mahmoud mansour marwane miloud mokhtar
    mostafa moulay mouloud mounaim mustafa nacer najib naoufal nourdine oussama rahal rahhal ramzi
    rochdi saaid sadik salim sefiane slimane smail taib tayeb thami touhami yazid yazami zaid zouhir
    abbes allal ahmida bouchta jillali lhaj maalem mbarek mohand moulid said-ali
    aziza badia bahija chaima dounia fadma fadila fatiha fettouma ghizlaine hanae hayat ilhame ines
    jamila kamar karima khaddouj lalla latifa loubna maryem mina mounia nadia naima najoua nouzha rabiaa
    rachida radia rahma saadia safia sakina samia selma siham sihame soraya tamou thouraya touria yamina
    yamna zahia zahira zhor zineb zoubida hanane hind imane ilham kaltoum khaddouja laaziza mahjouba
    najat ouafa oumnia rim sanaa souad wafa zakia zohra
    amastan amazir anir aksil aghilas ayyur azul gwafa izza massin menna tanirt tafsut tilila titrit
    tudert tiziri yidir yuba illi ittou izza tasa tamazirt tafrara
    mamoun sidati ahmed-salem mohamed-fadel lbachir maelainine brahim-salem ghalia mahfouda salka
    yacoub yehouda shlomo nessim haim yossi rahel esther mazal simha fortunee messody
    miloud miloudia boujemaa ghali tahar abdelmoula kaltoum daoui daouia bouazza addou haddou baha
    thami mekki ayachi jilali cherki maati seddik bouchta bousselham lahbib mahjoub zohra saadia
    batoul kbira chaaibia yamna kheira fatna tamou abdou fati hmida hamadi benaissa bennacer belaid
    ouhmad zayd zaid itto fadma hasnia chama zina aziza m'barek mbarek m'hamed mhamed lhaj lhoucine
    lahoussine hssain hssaine 7ssan l7ssen hassan hussein 3ziza 7afida 3abdelghani
    yanis rayan adam ilyas younes nael amir sami ines lina aya mayssane ritaj jana alae hiba rim malak
    """
)
MORE_FAMILY_LATIN = words(
    """abbadi abouelfadl achahbar afailal agoumi ahardane akesbi akhmisse alaoui-ismaili amrani-joutei
    anajjar aouni arsalane azzouzi baddou bahaji bahnini balafrej barakat belabbes belhaj bellamine
    belmahi benabdallah benaissa benamar benbrahim bendaoud benhaddou benjelloun-touimi benkhadra
    bennani-smires bennouna benyahia berkani bouabid boudra boufous bouhlal boukili boulif bouras
    bousfiha chafai chaoui chennaoui chergui cherkaoui-dekkaki daki damiri debbagh doukkali echchaoui
    elaraki elbouri elfilali elgharbaoui elhachimi elharti elkadiri elkettani elmrabet elouafi essafi
    ezzahraoui fikri ghazouani guennoun habibi hakkou hammoumi harti hassouni idbelkas jebbari jelloul
    kabbaj karroumi kharbouch khatib lahjomri laroui lazaar lyoussi maghraoui mahfoud majdoub
    mekkaoui melloul lanaji lnaji
    mezouari mouhib moujahid mrabet naimi nassiri oudghiri ouhmad ouchikh oukacha
    outaleb ragragui rahali rhanem sabri saidi salhi sarraj skalli soulami tadlaoui taibi talbi
    tamri tazi-riffi temsamani tounsi yacoubi yousfi zahraoui zaoui zerouali zouhri
    ait-ali ait-baha ait-hammou ait-lhaj ait-said ait-taleb id-brahim id-ali ou-hammou oulhaj
    amzil akhnouch amarouch azroual boutkhil ichou ouaziz ouhnia oulahcen
    abergel amsellem assaraf azencot benaim benzaquen cohen elbaz hazan knafo oiknine ouaknine
    serfaty toledano zrihen
    ould-sidi ould-ahmed ould-mohamed ma-el-ainine lehbib bouya sidati deida bouzeid
    """
)
MORE_GIVEN_ARABIC = words(
    """عبد_الوهاب عبد_النبي عبد_الكبير عبد_الجبار عبد_المومن عبد_المنعم عبد_الباسط عيسى أكرم علاء أنوار
    عز_الدين فيصل غازي حبيب هاشم حمدي الحسن جعفر الجيلالي قاسم الكبير لحبيب المعطي محجوب محمود منصور
    مروان الميلودي مولود نجيب نوفل رحال رمزي رشدي صادق سليم سليمان إسماعيل الطيب التهامي يزيد زيد زهير
    بوشتى بوعزة شعيب المصطفى عزيزة بديعة بهيجة شيماء دنيا فاطمة فضيلة فتيحة غزلان هناء حياة إلهام إيناس
    كريمة خدوج قمر لطيفة مينة مونية نادية نعيمة نجوى نزهة ربيعة رشيدة راضية رحمة السعدية صفية سكينة
    سامية ثريا يامنة زهيرة زهور زبيدة كلثوم محجوبة وفاء سعاد أمازير أكسيل ماسين تيليلا تافسوت يدير
    يوبا إيطو تاما سيداتي الغالية سالكة يعقوب حاييم شلومو إستير مسعودة ريان آدم إلياس يانيس سامي لينا
    آية ملاك هبة جنى ريتاج بوبكر الشريف مصطفى عبد_الحفيظ عبد_الإله منانة الزوهرة الباتول طامو
    خدوج عيشة حادة رقية يطو تودة الغالية السالمة فاطمة_الزهراء مليكة زليخة حفيظة الهاشمية الضاوية
    ميلودة ميلود بوجمعة الغالي الطاهر عبد_المولى كلثوم الضاوي بوعزة عدجو موحى حمو باها علال الحسين
    التهامي المكي العياشي الجيلالي الشرقي المعطي الصديق بوشتى بوسلهام لحبيب المحجوب عبد_السلام
    الزوهرة السعدية الباتول الكبيرة الشعيبية الحاجة_فاطمة يامنة رحمة خيرة فطنة زهرة طامو الغالية
    عبدو سيمو حميد حمادي مولود عمر بنعيسى بناصر بلعيد أوحماد زايد إيطو تلايتماس فاضمة فضمة حسنية
    نزهة وئام إكرام هند نوال سهام مريم ريم سكينة شامة ثورية زينة عزيزة لطيفة حليمة جميلة نعيمة"""
)
MORE_FAMILY_ARABIC = words(
    """العبادي أبو_الفضل أحرضان أقصبي الأمراني أنجار بلافريج بلعباس بلحاج بنعبد_الله بنعيسى بنعمر
    بنبراهيم بنداود بنحدو بنخضرة بنيحيى البركاني بوفوس بوهلال بوراس الشاوي الشرقي الدباغ الدكالي
    العراقي البوري الفيلالي الغرباوي الهاشمي الحارثي القادري المرابط الصافي الفكري الغزواني قنون
    الحبيبي حكو الحموني الخطيب العروي اليوسي المغراوي المجدوب المكاوي المزواري مرابط النعيمي الناصري
    الوديغي أوحماد الركراكي الرحالي صبري السعيدي الصالحي السراج السقلي السولامي التادلاوي الطيبي
    الطالبي التمسماني اليوسفي الزهراوي الزروالي آيت_علي آيت_باها آيت_حمو آيت_الحاج إد_براهيم
    أولحاج أمزيل أخنوش أعروش أزروال أوعزيز كوهين الباز أسراف بنزاكين ولد_سيدي ولد_أحمد لحبيب بوية"""
)

GIVEN_ALL_LATIN = GIVEN_LATIN | MORE_GIVEN_LATIN
FAMILY_ALL_LATIN = FAMILY_LATIN | MORE_FAMILY_LATIN
GIVEN_ALL_ARABIC = GIVEN_ARABIC | MORE_GIVEN_ARABIC
FAMILY_ALL_ARABIC = FAMILY_ARABIC | MORE_FAMILY_ARABIC

# Foreign names in Moroccan paperwork (tenants, drivers, guests): the model must not need the gazetteer.
FOREIGN_GIVEN = (
    "Anna", "Jean-Pierre", "Emily", "Tom", "Pierre", "Marie", "John", "Sarah", "Laura", "Paolo", "Hans",
    "Julia", "Carlos", "Elena", "Mark", "Sophie", "Lucas", "Chloé", "Peter", "Maria", "Olga", "Kenji",
)  # fmt: skip
FOREIGN_FAMILY = (
    "Kowalski", "Martin", "Carter", "Dubois", "Peterson", "Smith", "Rossi", "Müller", "García", "Novak",
    "Schmidt", "Bernard", "Lefebvre", "Johnson", "Moreau", "Fernández", "Tanaka", "Ivanova", "Brown",
)  # fmt: skip

# Places, streets and institutions carry people's names: the generator puts them in sentences unmarked.
PLACE_TOWNS_LATIN = (
    "Moulay Idriss Zerhoun", "Moulay Bousselham", "Moulay Yacoub", "Moulay Brahim", "Moulay Bouazza",
    "Sidi Bennour", "Sidi Kacem", "Sidi Slimane", "Sidi Ifni", "Sidi Moumen", "Sidi Maarouf",
    "Sidi Bernoussi", "Sidi Rahal", "Sidi Yahya El Gharb", "Sidi Allal Tazi", "Sidi Bibi", "Sidi Harazem",
    "Sidi Kaouki", "Sidi Othmane", "Ben Guerir", "Ben Slimane", "Benslimane", "Lalla Takerkoust",
    "Bin El Ouidane", "Oulad Frej", "Oulad Teima", "Oulad Ayad", "Sidi Youssef Ben Ali", "Ain Sebaa",
    "Ben Ahmed", "Beni Mellal", "Ait Melloul", "Ait Ourir", "Ait Benhaddou", "Lalla Mimouna",
    "Sidi Abdallah Ghiat", "Moulay Abdallah", "Had Soualem",
)  # fmt: skip
PLACE_TOWNS_ARABIC = (
    "مولاي إدريس زرهون", "مولاي بوسلهام", "مولاي يعقوب", "سيدي بنور", "سيدي قاسم", "سيدي سليمان",
    "سيدي إفني", "سيدي مومن", "بن أحمد", "سيدي يوسف بن علي", "أولاد تايمة", "بنسليمان", "سيدي معروف",
    "سيدي البرنوصي", "بن جرير", "بن سليمان", "بني ملال", "آيت ملول", "لالة ميمونة", "سيدي حرازم",
    "سيدي يحيى الغرب", "سيدي رحال", "سيدي عثمان",
)  # fmt: skip
# The people that streets, schools and hospitals are named after.
EPONYMS_LATIN = (
    "Mohammed V", "Mohammed VI", "Hassan II", "Hassan I", "Moulay Ismail", "Moulay Youssef",
    "Moulay Rachid", "Moulay Abdellah", "Moulay Idriss", "Moulay Slimane", "Moulay Hassan",
    "Ibn Rochd", "Ibn Sina", "Ibn Khaldoun", "Ibn Battouta", "Ibn Toumert", "Ibn Tofail", "Ibn Zohr",
    "Al Khawarizmi", "Abdelkrim El Khattabi", "Allal El Fassi", "Mohamed Zerktouni", "Abdelmoumen",
    "Youssef Ibn Tachfine", "Tarik Ibn Ziad", "Lalla Yacout", "Lalla Meryem", "Lalla Aicha",
    "Lalla Salma", "Omar Ibn Al Khattab", "Mehdi Ben Barka", "Ahmed Chaouki", "Oqba Ibn Nafii",
    "Mokhtar Soussi", "Abou Bakr Seddik", "Ali Ibn Abi Taleb", "Sidi Mohamed Ben Abdellah",
    "Moulay Ali Cherif", "Al Massira", "Zerktouni", "Ghandi", "Victor Hugo", "Sidi Belyout",
    "Bir Anzarane", "Ibn Batouta", "Abdelkader Sahraoui", "Moulay Abdelaziz", "Imam Malik",
)  # fmt: skip
EPONYMS_ARABIC = (
    "محمد الخامس", "محمد السادس", "الحسن الثاني", "الحسن الأول", "مولاي إسماعيل", "مولاي يوسف",
    "مولاي رشيد", "مولاي عبد الله", "مولاي إدريس", "ابن رشد", "ابن سينا", "ابن خلدون", "ابن بطوطة",
    "ابن تومرت", "ابن طفيل", "ابن زهر", "الخوارزمي", "عبد الكريم الخطابي", "علال الفاسي",
    "محمد الزرقطوني", "يوسف بن تاشفين", "طارق بن زياد", "للا ياقوت", "للا مريم", "عمر بن الخطاب",
    "المهدي بن بركة", "عقبة بن نافع", "المختار السوسي", "أبو بكر الصديق", "علي بن أبي طالب",
    "سيدي محمد بن عبد الله", "الإمام مالك", "للا عائشة", "مولاي علي الشريف",
)  # fmt: skip
# Living public figures: in running text they are names (the labelled sets mark them).
FIGURES_LATIN = (
    "Ibn Battuta", "Ibn Khaldoun", "Fouzi Lekjaa", "Nabila Mounib", "Hatim Ammor", "Mohammed VI",
    "Aziz Akhannouch", "Hakim Ziyech", "Walid Regragui", "Saad Lamjarred", "Achraf Hakimi",
    "Yassine Bounou", "Fouad Ali El Himma", "Nasser Bourita", "Nawal El Moutawakel", "Hicham El Guerrouj",
)  # fmt: skip
FIGURES_ARABIC = (
    "ابن بطوطة", "ابن خلدون", "فوزي لقجع", "نبيلة منيب", "حاتم عمور", "محمد السادس", "عزيز أخنوش",
    "حكيم زياش", "وليد الركراكي", "سعد لمجرد", "أشرف حكيمي", "ياسين بونو", "فؤاد عالي الهمة", "ناصر بوريطة",
    "نوال المتوكل", "هشام الكروج",
)  # fmt: skip
PLACE_CUES_LATIN = (
    "Avenue", "Av.", "Bd", "Boulevard", "Rue", "Lycée", "Lycee", "École", "Ecole", "Collège", "Hôpital",
    "CHU", "Mosquée", "Mausolée", "Université", "Faculté", "Place", "Stade", "Complexe", "Institut",
    "Fondation", "Aéroport", "Gare", "Quartier", "Hay", "Résidence", "Clinique", "Centre", "Musée",
    "Pont", "Jardin", "Parc", "Bibliothèque", "Route", "Cité", "Médiathèque", "Marché", "Zaouia",
    "Théâtre", "Pharmacie", "Boulangerie", "Café", "Restaurant", "Librairie", "Complexe sportif",
    "Polyclinique", "Lotissement", "Groupe scolaire", "Hospital", "Street", "School", "Médersa",
    "Medersa", "Tombeau", "Palais", "Borj", "Barrage", "Grand Stade", "Mall", "Dam",
)  # fmt: skip
PLACE_CUES_ARABIC = (
    "شارع", "زنقة", "ثانوية", "مدرسة", "إعدادية", "مستشفى", "المستشفى الجامعي", "مسجد", "جامع", "ضريح",
    "جامعة", "كلية", "ساحة", "حي", "مطار", "محطة", "مركز", "مؤسسة", "مصحة", "ملعب", "المركب الرياضي",
    "معهد", "إقامة", "قاعة", "مكتبة", "سوق", "طريق", "تجزئة", "مستوصف", "صيدلية", "مقهى", "مدارة",
)  # fmt: skip


def arabizi(name: str, rng: random.Random) -> str:
    """A chat spelling of a Latin-script name: lower case, and often the digits Darija writes sounds with."""
    low = name.lower()
    if rng.random() < 0.5:
        low = low.replace("kh", "5" if rng.random() < 0.3 else "kh")
        low = low.replace("ou", "o" if rng.random() < 0.3 else "ou")
        if low.startswith("h") and rng.random() < 0.5:
            low = "7" + low[1:]
        if low.startswith("a") and rng.random() < 0.3:
            low = "3" + low
    return low


def tifinagh(name: str) -> str:
    return to_tifinagh(name.replace("-", " "), loose=True)
