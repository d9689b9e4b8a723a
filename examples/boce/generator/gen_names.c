/*
 * gen_names.c — synthetic but Dutch-looking names: streets (with the BAG short
 * form of at most 24 characters) and voorzieningen ("Huisartsenpraktijk
 * Emmen-Centrum", "Dorpshuis De Brink", "Bushalte Brinkstraat"). None of these
 * refer to real objects.
 */
#include <stdio.h>
#include <string.h>

#include "gen_internal.h"

#define COUNT(a) (sizeof(a) / sizeof((a)[0]))

static const char *const NATURE[] = {
    "Eiken",      "Beuken",       "Berken",    "Linden",     "Essen",
    "Wilgen",     "Populieren",   "Dennen",    "Sparren",    "Iepen",
    "Kastanje",   "Elzen",        "Hazelaar",  "Meidoorn",   "Vlier",
    "Lijsterbes", "Esdoorn",      "Acacia",    "Merel",      "Lijster",
    "Spreeuwen",  "Mussen",       "Vinken",    "Zwaluw",     "Kievit",
    "Grutto",     "Wulp",         "Reiger",    "Ooievaar",   "Buizerd",
    "Havik",      "Specht",       "Leeuwerik", "Kraanvogel", "Roodborst",
    "Koolmees",   "Winterkoning", "Fazant",    "Patrijs",    "Rozen",
    "Tulpen",     "Narcissen",    "Anjer",     "Seringen",   "Hyacinten",
    "Lelie",      "Klaver",       "Heide",     "Boterbloem", "Korenbloem",
    "Margriet",   "Zonnebloem",   "Akelei",    "Jasmijn",    "Gentiaan",
    "Dahlia",     "Iris",         "Krokus",    "Vlas",       "Rogge",
    "Haver",      "Gerst",        "Boekweit"};
static const char *const PLACE[] = {
    "Kerk",   "School", "Molen",  "Stations", "Markt",  "Veen",  "Turf",
    "Kanaal", "Haven",  "Sluis",  "Zand",     "Bos",    "Beek",  "Dorps",
    "Brug",   "Boeren", "Vaart",  "Esch",     "Hoeve",  "Kamp",  "Hunze",
    "Brink",  "Deel",   "Vonder", "Stuw",     "Zuster", "Weide", "Akker"};
static const char *const PERSON[] = {"Burgemeester Kuipers",
                                     "Burgemeester Tijdens",
                                     "Burgemeester Wiersma",
                                     "Dokter Picard",
                                     "Meester Keuning",
                                     "Pastoor Ribbers",
                                     "Van Echten",
                                     "Van der Feltz",
                                     "Thorbecke",
                                     "Prins Bernhard",
                                     "Prinses Margriet",
                                     "Koningin Juliana",
                                     "Anne Frank",
                                     "Hendrik Jut",
                                     "Harm Tiesing",
                                     "Titus Brandsma",
                                     "Van Heek",
                                     "Ludolf Potter",
                                     "Jan Wolkers",
                                     "Annie M.G. Schmidt",
                                     "Willem Drees",
                                     "Jacob Bonnema"};
static const char *const DIRECTION[] = {"Noorder", "Zuider", "Ooster", "Wester",
                                        "Achter",  "Voor",   "Midden", "Hoofd"};
static const char *const SUFFIX_TOWN[] = {
    "straat", "straat", "straat", "laan",   "laan", "weg",   "hof",  "pad",
    "dreef",  "erf",    "plein",  "singel", "kamp", "horst", "akker"};
static const char *const SUFFIX_RURAL[] = {
    "weg", "weg", "weg", "dijk", "es", "veld", "straat", "kanaal", "wijk"};
static const char *const SUFFIX_DIRECTION[] = {"diep", "weg", "straat",
                                               "dijk", "es",  "kade"};
static const char *const CLASSIC_TOWN[] = {
    "Hoofdstraat", "Kerkstraat",   "Dorpsstraat",    "Brink",
    "Molenweg",    "Schoolstraat", "Stationsstraat", "Markt"};
static const char *const CLASSIC_RURAL[] = {"Hoofdweg",   "Zuideresweg",
                                            "Noorderweg", "Oosterdiep",
                                            "Westerdiep", "Kanaalweg"};

static const char *names_pick(GenRng *r, const char *const *list, size_t n) {
    return list[rng_index(r, n)];
}

/* A street name; `first` is the index of the street in its woonplaats. */
void names_street(GenRng *r, BuurtKind kind, int first, char *buf, size_t n) {
    int rural = kind == BUURT_RURAL;
    if (first < 6 && rng_chance(r, 0.7)) {
        if (rural) {
            gen_copy(buf, n,
                     CLASSIC_RURAL[(size_t)first % COUNT(CLASSIC_RURAL)]);
        } else {
            gen_copy(buf, n, CLASSIC_TOWN[(size_t)first % COUNT(CLASSIC_TOWN)]);
        }
        return;
    }
    const char *suffix = rural
                             ? names_pick(r, SUFFIX_RURAL, COUNT(SUFFIX_RURAL))
                             : names_pick(r, SUFFIX_TOWN, COUNT(SUFFIX_TOWN));
    double u = rng_uniform(r);
    if (u < 0.45) {
        snprintf(buf, n, "%s%s", names_pick(r, NATURE, COUNT(NATURE)), suffix);
    } else if (u < 0.65) {
        snprintf(buf, n, "%s%s", names_pick(r, PLACE, COUNT(PLACE)), suffix);
    } else if (u < 0.80) {
        snprintf(buf, n, "%s%s", names_pick(r, PERSON, COUNT(PERSON)),
                 rural ? "weg" : suffix);
    } else if (u < 0.92) {
        snprintf(buf, n, "%s%s", names_pick(r, DIRECTION, COUNT(DIRECTION)),
                 names_pick(r, SUFFIX_DIRECTION, COUNT(SUFFIX_DIRECTION)));
    } else {
        snprintf(buf, n, "%s %s%s", rng_chance(r, 0.5) ? "Oude" : "Verlengde",
                 names_pick(r, PLACE, COUNT(PLACE)), suffix);
    }
}

/* Replaces the first occurrence of `from` in s by the (not longer) `to`, in
 * place. */
static void replace_first(char *s, const char *from, const char *to) {
    char *p = strstr(s, from);
    size_t lf = strlen(from), lt = strlen(to);
    if (!p || lt > lf) {
        return;
    }
    memcpy(p, to, lt);
    memmove(p + lt, p + lf, strlen(p + lf) + 1);
}

/* BAG "verkorte naam": the name itself when it fits in 24 characters, else
 * abbreviated. */
void names_short(const char *name, char *buf, size_t n) {
    static const char *const from[] = {"Burgemeester ", "Dokter ",   "Meester ",
                                       "Pastoor ",      "Koningin ", "Prinses ",
                                       "Prins ",        "Verlengde "};
    static const char *const to[] = {"Burg ", "Dr ", "Mr ", "Past ",
                                     "Kon ",  "Pr ", "Pr ", "Verl "};
    char tmp[GEN_NAME_LEN];
    gen_copy(tmp, sizeof tmp, name);
    for (size_t i = 0; i < COUNT(from) && strlen(tmp) > 24; i++) {
        replace_first(tmp, from[i], to[i]);
    }
    if (strlen(tmp) > 24 && gen_ends_with(tmp, "straat")) {
        memcpy(tmp + strlen(tmp) - 6, "str", 4); /* ...straat -> ...str */
    }
    if (strlen(tmp) > 24) {
        tmp[24] = '\0';
    }
    gen_copy(buf, n, tmp);
}

static const char *const CATEGORIES[CAT_COUNT] = {
    "huisarts",    "apotheek", "supermarkt", "buurthuis",
    "basisschool", "sport",    "park",       "bushalte"};

const char *categorie_text(Categorie c) { return CATEGORIES[(int)c]; }

static const char *const SURNAMES[] = {
    "Bakker", "Jansen",  "De Vries", "Mulder",  "Bosma",
    "Kuiper", "Hofstee", "Wolters",  "Lubbers", "Meijer",
    "Zwiers", "Hoving",  "Drenth",   "Kamps",   "Schepers",
    "Bruins", "Oosting", "Lanting",  "Nijboer", "Wierenga"};
static const char *const HOUSE_NOUNS[] = {
    "De Brink",    "De Schoel",     "'t Ankertje",  "De Kolk",
    "'t Haantje",  "De Spil",       "De Wenning",   "Het Veenhuis",
    "De Hunzehof", "De Viersprong", "De Marke",     "'t Brinkhuus",
    "De Eekhof",   "De Boerhoorn",  "De Bargestee", "'t Trefpunt"};
static const char *const SCHOOL_PREFIX[] = {
    "OBS", "CBS", "PCBS", "Basisschool", "Kindcentrum", "IKC"};
static const char *const SCHOOL_NOUNS[] = {
    "De Vlinder",       "De Regenboog",    "'t Palet",       "De Wegwijzer",
    "De Sterrenwacht",  "De Kiekens",      "Het Kompas",     "De Klimop",
    "De Springplank",   "De Zonnewijzer",  "De Schakel",     "De Linde",
    "Het Noorderlicht", "De Bongerd",      "De Tweestroom",  "De Vuurvlinder",
    "De Marke",         "Prinses Beatrix", "De Hunzeschool", "De Zevensprong"};
static const char *const CHAINS_TOWN[] = {
    "Albert Heijn", "Jumbo", "Lidl", "Aldi", "Plus", "Poiesz", "Dirk", "Boni"};
static const char *const CHAINS_VILLAGE[] = {"Spar", "Coop", "Plus", "Attent",
                                             "Jumbo"};
static const char *const PARKS[] = {"Wilhelminapark", "Julianapark",
                                    "Stadspark",      "Hunzepark",
                                    "Heempark",       "Beatrixpark"};

static void name_huisarts(GenRng *r, const char *wp, const char *buurt, int nth,
                          char *buf, size_t n) {
    if (nth == 0) {
        snprintf(buf, n, "Huisartsenpraktijk %s", wp);
    } else if (nth == 1 && strcmp(buurt, wp) != 0) {
        snprintf(buf, n, "Huisartsenpraktijk %s", buurt);
    } else if (rng_chance(r, 0.3)) {
        snprintf(buf, n, "Gezondheidscentrum %s", buurt);
    } else {
        snprintf(buf, n, "Huisartsenpraktijk %s",
                 names_pick(r, SURNAMES, COUNT(SURNAMES)));
    }
}

static void name_sport(GenRng *r, const char *wp, const char *street, int nth,
                       int *variant, char *buf, size_t n) {
    double u = rng_uniform(r);
    if (nth == 0 || u < 0.3) {
        snprintf(buf, n, "Sportpark %s",
                 nth == 0 ? wp
                          : names_pick(r, HOUSE_NOUNS, COUNT(HOUSE_NOUNS)));
        *variant = 1;
    } else if (u < 0.55) {
        snprintf(buf, n, "Sporthal %s",
                 names_pick(r, HOUSE_NOUNS, COUNT(HOUSE_NOUNS)));
        *variant = 0;
    } else if (u < 0.7) {
        snprintf(buf, n, "Tennispark %s", wp);
        *variant = 1;
    } else if (u < 0.85) {
        snprintf(buf, n, "Gymzaal %s", street);
        *variant = 0;
    } else {
        snprintf(buf, n, "Sportveld %s", street);
        *variant = 1;
    }
}

/* A voorziening name; nth is the index of this category within the woonplaats.
 */
void names_voorziening(GenRng *r, Categorie c, const char *woonplaats,
                       const char *buurt, const char *street, int nth,
                       int *variant, char *buf, size_t n) {
    *variant = 0;
    switch (c) {
    case CAT_HUISARTS:
        name_huisarts(r, woonplaats, buurt, nth, buf, n);
        break;
    case CAT_APOTHEEK:
        if (nth == 0) {
            snprintf(buf, n, "Apotheek %s", woonplaats);
        } else {
            snprintf(buf, n, "%s %s",
                     rng_chance(r, 0.5) ? "Apotheek" : "Service Apotheek",
                     buurt);
        }
        break;
    case CAT_SUPERMARKT:
        snprintf(buf, n, "%s %s",
                 nth < 2 ? names_pick(r, CHAINS_VILLAGE, COUNT(CHAINS_VILLAGE))
                         : names_pick(r, CHAINS_TOWN, COUNT(CHAINS_TOWN)),
                 nth == 0 ? woonplaats : buurt);
        break;
    case CAT_BUURTHUIS: {
        double u = rng_uniform(r);
        const char *noun = names_pick(r, HOUSE_NOUNS, COUNT(HOUSE_NOUNS));
        if (u < 0.2) {
            snprintf(buf, n, "Caf\xC3\xA9 %s", noun);
        } else if (u < 0.55) {
            snprintf(buf, n, "Dorpshuis %s", noun);
        } else if (u < 0.75) {
            snprintf(buf, n, "MFC %s", noun);
        } else {
            snprintf(buf, n, "Wijkcentrum %s", buurt);
        }
        break;
    }
    case CAT_BASISSCHOOL:
        snprintf(buf, n, "%s %s",
                 names_pick(r, SCHOOL_PREFIX, COUNT(SCHOOL_PREFIX)),
                 names_pick(r, SCHOOL_NOUNS, COUNT(SCHOOL_NOUNS)));
        break;
    case CAT_SPORT:
        name_sport(r, woonplaats, street, nth, variant, buf, n);
        break;
    case CAT_PARK:
        if (rng_chance(r, 0.35)) {
            snprintf(buf, n, "%s", names_pick(r, PARKS, COUNT(PARKS)));
        } else if (rng_chance(r, 0.5)) {
            snprintf(buf, n, "Park %s", buurt);
        } else {
            snprintf(buf, n, "Plantsoen %s", street);
        }
        break;
    case CAT_BUSHALTE:
    default:
        snprintf(buf, n, "Bushalte %s", street);
        break;
    }
}
