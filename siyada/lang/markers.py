"""Hand-written marker words for language identification: function words and frequent particles that
tell Darija from MSA, and French from English from Arabizi from Latin-script Tamazight.

The lists hold only words that are frequent *and* decisive. A word that is common in two of the
languages (French "a", English "on", Arabizi "li", MSA/Darija "في") is either left out or put in both
lists, which makes it neutral: `scripts.identify` counts a token only when it points to one language.
Arabic-script entries are written in `normalise_arabic` form (ا for أ/إ, ي for ى, ه for ة).
"""

from __future__ import annotations

__all__ = ["ARABIZI", "BERBER_LATIN", "DARIJA", "ENGLISH", "FRENCH", "MSA"]


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


DARIJA = _words(
    """
    ديال ديالي ديالك ديالو ديالها ديالنا ديالكم ديالهم ديالهوم ديالكوم
    واش كيفاش بزاف دابا غادي غاد ماشي هادشي هادا هادي هاديك هاداك هادوك هادو
    شنو اشنو شنوا علاش فين فاين منين فوقاش امتا ايمتا شحال قداش كيداير كيدايرا
    كاين كاينه كاينين كاينا مكاينش ماكاينش بغيت بغيتي بغينا بغا بغات عندي عندك عندو
    حنا نتا نتي نتوما هوما هاد راه راني راك راكي راها راهوم والو حتا شي شويه شويا
    مزيان مزيانه واخا صافي يالاه باش مللي ملي تاني عاد تما لهيه دروك
    ولاد كنبغي كيبغي كتبغي كندير كيدير كتدير بحال حيت
    """
)

MSA = _words(
    """
    الذي التي الذين اللذين اللتين اللواتي اللاتي هذا هذه هذان هاتان هؤلاء ذلك تلك اولئك
    ان لم لن سوف قد ليس ليست لقد اذ اذا حيث ايضا كما لكن بل ثم اي التى الي عند عندما
    انه انها لان يكون تكون كانت يتم تم وفقا طبقا بموجب لدى حول خلال بين نحو ضد منذ
    """
)

ARABIZI = _words(
    """
    dyal dial diyal dyali dyalk dyalo dyalha dyalna dyalkom dyalhom
    wach wash kifach kifash bzaf bzzaf bezzaf daba ghadi ghad machi mashi hadchi hadshi
    3la 3lach 3lash m3a m3ak m3ah m3aya chno chnou chnu achno achnou fach fayn mnin fou9ach imta
    kayn kayna kaynin makaynch bghit bghiti bghina bgha bghat 3ndi 3ndek 3ndo 3endi 3andi
    7na nta nti ntouma ntoma homa howa hiya hia rah raha rani rak raki walou walo
    chi chwiya chwia chouia mzyan mzyana mezyan wakha safi yallah ghir bach mli melli
    hna temma tma hadi hada hadak hadik hadou dakchi dik dak lli illi wla wlla 3ad
    ki kif kifma ach kolchi kolshi bhal 7it 7ta hta gha ghan ghat kan kant kanu kayen kaynin
    salam labas hamdullah hamdoulah wlad khoya khti sahbi bzaf inchallah nchallah
    """
)

BERBER_LATIN = _words(
    """
    azul tanmmirt tanemmirt tamazight tamaziɣt amazigh amaziɣ imazighen imaziɣen tifinagh tifinaɣ
    awal tudert argaz tamghart tamɣart tamurt aman ighs ufgh nekk kyyi nttat ntta nkni
    ddu iga ijjen yan sin krad zund mad ghas ɣas ula ur urd tiwizi asggas ameggaz amggaz
    tigmi taddart tamdint ifis izem aghrum aɣrum ass idd igh iɣ dar ɣer gher
    """
)

FRENCH = _words(
    """
    le la les des du de un une et est sont dans pour par avec sur au aux ce cet cette ces
    qui que quoi quel quelle quels quelles ne pas plus ou où il elle ils elles nous vous je tu on
    se sa son ses leur leurs mon ma mes ton ta tes été être avoir ont avait mais donc car
    tout tous toute toutes très aussi bien peut fait faire entre sans sous chez lors dont
    comment pourquoi quand alors cela ceci celui celle ceux comme même après avant depuis
    selon afin ainsi notamment vos votre notre nos lui y l' d' qu' c' n' s' j' m' t'
    peuvent doit doivent
    """
)

ENGLISH = _words(
    """
    the of and to in is are was were be been being for on with as by at from this that these those
    it its an or not but have has had will would can could should do does did what which who
    whom how when where why there their they them he she his her we you your our my me than
    then so if about into over after before between under also only any all some more most
    such no yes just very been being because while during through against
    """
)
