"""The gazetteer: Moroccan given and family names in Latin and Arabic script, written by the project
(common names, Amazigh names, usual spelling variants), and the normalisation used to compare tokens."""

from __future__ import annotations

import unicodedata
from collections.abc import Callable
from typing import Any, NamedTuple, TypeVar, cast

R = TypeVar("R")
# Words longer than this are read every time rather than cached: a word is any run of letters, so a
# hostile client could otherwise fill each 65,536-entry cache with megabyte-long words (gigabytes).
WORD_CACHE_CHARS = 64


class WordCacheInfo(NamedTuple):
    misses: int
    maxsize: int
    currsize: int


class _WordCache(dict[Any, Any]):
    """A word's value by subscription: a hit is one dict lookup in C, with no Python frame (an
    `lru_cache` behind a length check cost two calls, a tenth of the analyzer's time); `__missing__`
    computes a miss. Bounded: full, it keeps its newer half (work amortised O(1) per word)."""

    def __init__(self, fn: Callable[..., Any], maxsize: int) -> None:
        super().__init__()
        self.fn, self.maxsize, self.misses = fn, maxsize, 0

    def __missing__(self, key: Any) -> Any:
        self.misses += 1
        tupled = type(key) is tuple
        value = self.fn(*key) if tupled else self.fn(key)
        if len(key[0] if tupled else key) <= WORD_CACHE_CHARS:
            self._keep(key, value)
        return value

    def _keep(self, key: Any, value: Any) -> None:
        if len(self) >= self.maxsize:
            try:
                entries = list(self.items())
            except RuntimeError:  # another thread wrote to it meanwhile (the shield runs in several)
                entries = []
            self.clear()
            self.update(entries[len(entries) - self.maxsize // 2 :])
        self[key] = value

    def cache_info(self) -> WordCacheInfo:
        return WordCacheInfo(self.misses, self.maxsize, len(self))

    def cache_clear(self) -> None:
        self.clear()


class _OneWord(_WordCache):
    """A function of one word: calling it is `dict.__getitem__` itself."""

    __call__ = dict.__getitem__

    def __missing__(self, key: Any) -> Any:
        # The same as the general miss with one argument, in a shorter frame: a first pass meets a few
        # dozen new words per document, in several caches.
        self.misses += 1
        value = self.fn(key)
        if len(key) <= WORD_CACHE_CHARS:
            if len(self) < self.maxsize:
                self[key] = value
            else:
                self._keep(key, value)
        return value


def word_cache(maxsize: int) -> Callable[[Callable[..., R]], Callable[..., R]]:
    """A cache over a function whose first argument is a word, for words of at most `WORD_CACHE_CHARS`
    characters (no name, title or identifier is longer); a longer word is read every time. The
    function's arguments are positional; with one, a hit costs no Python call at all."""

    def wrap(fn: Callable[..., R]) -> Callable[..., R]:
        arity = fn.__code__.co_argcount
        cache = (_OneWord if arity == 1 else _WordCache)(fn, maxsize)
        if arity == 1:
            out: Any = cache
        else:

            def out(*key: Any) -> Any:
                return cache[key]

            out.cache_info, out.cache_clear = cache.cache_info, cache.cache_clear
        out.__name__, out.__qualname__, out.__doc__ = fn.__name__, fn.__qualname__, fn.__doc__
        out.__wrapped__ = fn
        return cast(Callable[..., R], out)

    return wrap


@word_cache(maxsize=65536)  # a word is normalised by every recogniser that reads it: once is enough
def norm(token: str) -> str:
    low = token.lower().replace("’", "'")
    if low.isascii():
        return low
    return unicodedata.normalize("NFKD", low).encode("ascii", "ignore").decode()


def words(block: str) -> frozenset[str]:
    """Gazetteer words, compared after `norm` (lower case, no accents) when they are Latin."""
    words = block.replace("_", " ").split()
    return frozenset(norm(w) if not _is_arabic(w) else w for w in words)


def _is_arabic(word: str) -> bool:
    return any("\u0600" <= c <= "\u06ff" for c in word)


GIVEN_LATIN = words(
    """abdelghani abdelhadi abdelhamid abdeljalil abdelkarim abdelkrim abdelmalek abdelmoula abdennour
    abderrazak abderrazzak abdessamad abdelouahed abdelwahed abdelfattah abdelkadir abdelilah abdellah
    adnane achraf ali allal amal anass ayman aymane azzedine bouchaib bouchra chafik chakib driss elmehdi
    faical faycal fouad ghali hafid hassane hatim houssam ibtissam idris ilias imad ismael issam jalal
    jaouad kamal kenza khalil lotfi mehdi mhamed mohcine mohsine mokhtar mouad mounia moussa nadir nassim
    nizar noureddine omar oussama rabie rachida rafik said saad sami samir sofiane soufiane taoufik
    tawfik wadie walid yassir yasser youness zakariae zineddine abla assia basma chadia dalila fadwa
    farah fatimzahra fatimazahra fatimaezzahra ghita hasna halima hiba houda ibtissam jamila jihane jihad
    kaoutar karima khaoula lamia lina lamya maha manal maria meriem mouna najia naoual nawal nezha nisrine
    noura ouafae ouiam oumayma rabia rachida saida sanaa siham sofia soumia touria wiam yousra zainab
    zahira zakia zoubida zoulikha mina fatna rkia hadda aicha habiba hafida khadidja mbarka mimouna
    """
    + """mohamed mohammed mohammad muhammad ahmed ahmad abdellah abdallah abdelkader abdelaziz abderrahim
    abderrahmane abdelilah abdelhak abdeslam abdelali abdelmajid abdellatif youssef yousef yassine yassin
    hamza mehdi omar othmane otmane karim rachid said hassan hussein hicham hisham khalid khaled mustapha
    mostafa driss idriss jamal jawad adil amine anas ayoub ilyas ismail brahim ibrahim noureddine nabil
    tarik tariq redouane ridouane zakaria soufiane badr bilal reda marouane younes yahya aziz larbi lahcen
    lahoucine hamid hakim mourad mounir salah taha walid zouhair moha mimoun fatima fatema fatiha khadija
    aicha aisha zineb zaynab salma sanae sana nadia imane iman meryem maryam mariam hajar hanane houda
    laila leila latifa malika naima najat nora nour rajae rim samira siham souad wafae yasmine yasmina
    zahra zohra ghizlane kawtar kaoutar loubna asmae asma btissam amal amina amal hind hayat ikram ilham
    itto touda ijja tiziri dounia chaimae oumaima hafsa rania safae sara sarah soukaina widad
    """
)
FAMILY_LATIN = words(
    """alaoui alami bennani benjelloun berrada chraibi chraibi kettani tazi fassi idrissi amrani ouazzani
    lahlou amghar benkirane bensouda sekkat squalli guessous lazrak filali belghiti tahiri naciri
    benabdellah benslimane bouzidi bouhaddou cherkaoui el-alami lamrani slaoui zniber sebti mernissi
    jettou akhannouch benmoussa kadiri hajji hilali ouali belkadi ziani rifi soussi doukkali marrakchi
    tanjaoui sefrioui meknassi tounsi hassani hosseini moussaoui bakkali daoudi jabri karimi bouzid naji
    saadi rachidi touzani benchekroun bennis benali benomar ouahbi rami mansouri moutawakil bouchta
    ait lahcen ouchen oubaha oufkir aberkane akdim agnaou amazigh anouar ayouch haddad khattabi mouline
    bouabid boutaleb chami essaidi ghali hamdouchi iraqi laraki mekouar nejjar ouarzazi
    """
)
PARTICLES = frozenset(
    {
        "el",
        "al",
        "ait",
        "aït",
        "ben",
        "bin",
        "ou",
        "ould",
        "ibn",
        "bel",
        "bou",
        "lalla",
        "mint",
        "ahl",
        "oulad",
        "ouled",
        "id",
    }
)

GIVEN_ARABIC = words(
    """حليمة مهدي عبد_الغني عبد_الحق عبد_الإله أشرف علي علال أيمن بوشعيب بشرى شكيب فؤاد غالي حفيظ حاتم
    عماد جلال كمال كنزة خليل لطفي معاد موسى نادر نزار أسامة ربيع رشيدة رفيق سعد سامي سمير توفيق ياسر
    ناصر غيثة حسناء هبة جميلة جيهان كريمة خولة لمياء منال ماريا مونية نزهة نسرين رحمة صوفيا سمية
    ثورية يسرى زكية محمد_أمين أمينة امينة فاطنة ركية حادة حبيبة مباركة ميمونة عزيزة نوال سلوى نهاد
    عبد_السلام عبد_الكريم عبد_اللطيف عبد_الحميد عبد_المجيد عبد_الواحد عبد_الصمد عبد_الرزاق الحسين
    """
    + """محمد أحمد احمد عبد_الله عبدالله عبد_القادر عبد_العزيز عبد_الرحيم عبد_الرحمان يوسف ياسين حمزة مهدي
    عمر عثمان كريم رشيد سعيد حسن حسين هشام خالد مصطفى ادريس إدريس جمال جواد عادل أمين أنس أيوب إلياس
    إسماعيل ابراهيم إبراهيم نور_الدين نبيل طارق رضوان زكرياء زكرياء سفيان بدر بلال رضا مروان يونس يحيى
    عزيز العربي لحسن حميد حكيم مراد منير صلاح طه وليد فاطمة فطومة خديجة عائشة عيشة زينب سلمى سناء نادية
    إيمان ايمان مريم هاجر حنان هدى ليلى لطيفة مليكة نعيمة نجاة نورة رجاء ريم سميرة سهام سعاد وفاء ياسمين
    زهرة غزلان كوثر لبنى أسماء ابتسام أمال آمال أمينة هند حياة إكرام إلهام إيطو يطو دنيا شيماء أميمة حفصة
    رانية صفاء سارة سكينة وداد"""
)
# Compound given names are listed with their second part so that "فاطمة الزهراء" is kept whole.
GIVEN_SECOND_ARABIC = frozenset({"الزهراء", "الزهرة", "الله", "القادر", "الرحيم", "الرحمان", "الدين", "أمين"})
FAMILY_ARABIC = words(
    """العلوي العلمي بناني بنجلون برادة الشرايبي الكتاني التازي الفاسي الإدريسي الادريسي العمراني الوزاني
    لحلو أمغار امغار بنكيران بنسودة السقاط الصقلي كسوس لزرق الفيلالي بلغيتي الطاهري الناصري بنعبد_الله
    بنسليمان البوزيدي الشرقاوي اللمراني السلاوي زنيبر السبتي المرنيسي القادري الحجي الهلالي الزياني
    الريفي السوسي الدكالي المراكشي الطنجاوي الصفريوي المكناسي التونسي الحسني الحسيني الموساوي البقالي
    الداودي الجابري الكريمي ناجي السعدي الرشيدي التوزاني بنشقرون بنيس بنعلي المنصوري آيت أيت لحسن
    أوشن الخطابي بوعبيد بوطالب الشامي العراقي العلج اليعقوبي"""
)

# Amazigh and less common given names, and usual spelling variants.
GIVEN_LATIN = GIVEN_LATIN | words(
    """idir amnay tiziri tanirt yuba juba anir aya massinissa amazigh tilelli tafat tinhinan dihya
    thiziri anaruz ayour illi ithri tamazight yidir mbarek mbark lhoucine lhoussine lahoucine brahim
    houcine hammou moha aadil abdelhakim abdelhaq abdelmounaim abderrahman anas anass ayyoub ayoub
    badreddine hamid hicham hichame ismail ilyas jawad kaoutar kawtar khadija loubna lamiae malak
    marwa meryem mouhcine nouhaila nouha oumaima reda rim ryad saad sanae sara sarah siham soukaina
    souhaila tarik yasmine yassine youssra yousra youssef zakaria zineb adam ayman yahya wissal
    hajar ghizlane ikram imane iman kenza laila leila meriem nadia najat salma samira souad wafae
    zahra zohra mehdi mohamed mohammed omar othmane karim rachid said hassan khalid mustapha driss
    """
)
GIVEN_ARABIC = GIVEN_ARABIC | words(
    """إيدير أمناي تيزيري تانيرت يوبا أنير آية مبارك لحسين حمو موحى حفيظة رقية نهيلة آدم أيوب هاجر
    كوثر سميرة إيمان زكرياء فاطنة يونس حنان أمين سارة خالد عزيز مريم ياسين سلمى عبد_الحق
    إيطو يطو تودة عائشة زهور ثريا مينة فتيحة"""
)
GIVEN_SECOND_ARABIC = GIVEN_SECOND_ARABIC | {"الأمين", "المهدي", "العربي", "الصادق"}

# Second round (2026-12-01): Jewish Moroccan, Sahrawi, international given names Moroccan families
# give, and more common family names.
GIVEN_LATIN = GIVEN_LATIN | words(
    """david daniel samuel simon shimon moshe moise moses meyer meir isaac itzhak yitzhak jacob yaakov
    yossef yosef joseph elie eli elias raphael rafael haim chaim mordechai nessim nissim albert andre
    maurice marcel simone rachel rivka rebecca esther sarah sara myriam judith hanna hannah deborah
    mazal sultana yael ruth miriam aaron avraham abraham salomon shlomo gabriel benjamin
    adam rayan ryan yanis yannis ilyes elyes ines inès lina lyna sofia sophia sophie camille lea léa
    jessica nora norah maya mayssa kamilia kamélia dina amira yara lilia lydia sabrina samia sonia
    nadine yasmina jasmine emma chloe nina rania aya assia jade sami sam kevin nicolas julien
    thomas alexandre anis ilian imran ibrahim aymen iyad nael naël wassim zayd zaid issa
    lamine mahjouba mahjoub salek sidati mbarka ghalia fatimetou khadijetou mariem el-hassan
    lhoussaine lhoucine lahcen brahim hassan hammadi mohand moha amayas izem tafsut tudert tuder
    tiliwa tanila tamazight tin-hinan massin aksel axel yuba yubba anzar amazir tala tilila tanirt
    simo hamza soufiane ghita hiba kenza inass yassir anouar anwar ilham jihane safaa wiam ouiam
    aicha khadija fatna fatima hlima zahra rkia itto ijja mimouna yamna hadda zhor
    """
)
FAMILY_LATIN = FAMILY_LATIN | words(
    """amar attias azoulay azoulai ohana bensoussan elmaleh elmaliah sebbag sebag knafo toledano
    abitbol assouline benhamou benchetrit bensimon bitton chriqui dahan edery elbaz hadad haddad
    lévy levy malka marciano ohayon perez pinto sabbah serfaty serero suissa tordjman zafrani
    ma-el-ainine maelainine bouhali deida
    kabbaj sbai sbaï hansali oubaha benabdeljalil benhima benjelloun lamrani ouahmane ait-ouahmane
    bakkali elidrissi el-idrissi idrissi alaoui-mdaghri mdaghri benkirane berrada bouzoubaa chami
    elfassi el-fassi fassi-fihri fihri guerraoui hamdaoui jaidi kabbaj lahlimi mansouri marzouki
    naciri ouazzani-touhami touhami qadiri rahmouni sqalli tazi tahiri zemmouri zerhouni ziani
    benslimane bensaid benjelloun bennouna bentaleb boukhari chaoui cherradi elamrani elalami
    elkhattabi hajjaji harrak jazouli kadiri lahrichi lazraq mabrouk mekki mezouar mounir ouali
    rami saidi semlali tadili tijani yacoubi el-yacoubi yaacoubi zaki ziyani zouaoui amghar
    aboulfadl abdelaoui achour afilal ahmadi akhiat alami-idrissi amzil aouad arrafi assou
    """
)
GIVEN_ARABIC = GIVEN_ARABIC | words(
    """داود دافيد موشي إسحاق يعقوب راحيل إستير سارة حنة شمعون رفائيل إيلي يوسف سليمان إبراهيم
    محجوبة محجوب سالك الغالية فاطمتو خديجتو مريم ماء_العينين الحسن حسن لحسن لحسين الحسين
    تيليلا تانيلا ماسين أكسيل يوبا أنزار أمازير تالا تافسوت إيزم تودرت أمياس
    سيمو غيثة هبة إيناس أنوار ياسر وئام صفاء جيهان إلهام زهور حليمة يامنة هنية رحمة السعدية
    الطيب الهاشمي التهامي العياشي المعطي الجيلالي البشير الحسين الصديق العربي الغالي المختار
    عبد_الغني عبد_الكبير عبد_النبي عبد_الجليل عبد_الفتاح عبد_المالك"""
)
FAMILY_ARABIC = FAMILY_ARABIC | words(
    """أزولاي أزولاى عطياس أوحنا الملاح طوليدانو كنافو صباغ أبيطبول بن_سوسان
    واحمان أيت_واحمان الكباج السباعي الحنصالي أوبها بنعبد_الجليل بنهيمة بنسودة بنسليمان
    الإدريسي العلوي المدغري البوزيدي الشاوي الخطابي الجزولي السملالي التادلي التيجاني اليعقوبي
    الزموري الزرهوني الرحموني الصقلي المكي المزوار بنونة بنطالب البخاري الحجاجي الحراق
    أمزيان أمزيل أوعلي أوشن أخياط عاشور أحمدي العمراني المنصوري المرزوقي الناصري"""
)
