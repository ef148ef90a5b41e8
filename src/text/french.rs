//! French: accents dropped except on "où" (where), which would otherwise be "ou" (or);
//! elisions ("l'OLP", "qu'est-ce", "d'Abbas") taken off; Snowball's French stemmer
//! (rust-stemmers).

use super::language::{qw, Kind, Language, QuestionWord, Script, TimelineWords};

pub(crate) struct French;

impl Language for French {
    fn code(&self) -> &'static str {
        "fr"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("French", "français")
    }

    fn script(&self) -> Script {
        Script::Latin
    }

    fn discord_locales(&self) -> &'static [&'static str] {
        &["fr"]
    }

    fn stop_words(&self) -> &'static [&'static str] {
        STOP_WORDS
    }

    fn question_words(&self) -> &'static [QuestionWord] {
        QUESTION_WORDS
    }

    fn help_triggers(&self) -> &'static [&'static str] {
        &[
            "tu",
            "toi",
            "vous",
            "bonjour",
            "salut",
            "coucou",
            "bonsoir",
            "merci",
            "aide",
            "aider",
            "commandes",
            "bot",
            "slt",
            "wesh",
            "revoir",
            "utilise",
            "utiliser",
        ]
    }

    fn help_fillers(&self) -> &'static [&'static str] {
        &[
            "sers",
            "servez",
            "exactement",
            "super",
            "clair",
            "etait",
            "faut",
            "il",
            "mes",
            "repondes",
            "pour",
            "peux",
            "peut",
            "pouvez",
            "faire",
            "fais",
            "fait",
            "sais",
            "savez",
            "utiliser",
            "utilise",
            "fonctionne",
            "fonctionnes",
            "marche",
            "beaucoup",
            "questions",
            "question",
            "formuler",
            "poser",
            "reponds",
            "repondre",
            "reponses",
            "sources",
            "source",
            "langues",
            "sujets",
            "bien",
            "top",
            "super",
            "genial",
            "tous",
            "toi",
            "moi",
            "exactement",
            "dois",
            "doit",
            "aide",
            "bot",
            "robot",
            "humain",
            "personne",
            "ia",
            "parles",
            "parlez",
            "ecrire",
            "anglais",
            "arabe",
            "russe",
            "italien",
            "francais",
            "tes",
            "es",
            "signaler",
            "mauvaise",
            "reponse",
            "fausse",
            "faux",
            "laisser",
            "avis",
            "cree",
            "developpe",
            "bcp",
            "trop",
            "as",
        ]
    }

    fn timeline_words(&self) -> &'static TimelineWords {
        &TimelineWords {
            timeline: &["chronologie", "frise"],
            happened: &["passe", "arrive", "evenements", "produit"],
            before: &["avant"],
            after: &["apres", "depuis"],
            meeting: &[
                "reunion",
                "rencontre",
                "pourparlers",
                "moscou",
                "negociations",
            ],
            fillers: &[
                "donne",
                "montre",
                "moi",
                "complete",
                "toute",
                "interpalestinienne",
            ],
        }
    }

    fn generic_words(&self) -> &'static [&'static str] {
        &[
            "dit",
            "dire",
            "disent",
            "declare",
            "explique",
            "expliquer",
            "decris",
            "informations",
            "details",
            "resume",
            "passe",
            "signifie",
            "avis",
            "opinion",
            "appelle",
            "nom",
        ]
    }

    fn elisions(&self) -> &'static [&'static str] {
        &[
            "l", "d", "qu", "j", "m", "n", "s", "t", "c", "jusqu", "lorsqu", "puisqu", "quoiqu",
        ]
    }

    fn keeps_mark(&self, c: char) -> bool {
        c == 'ù'
    }

    fn catalogue(&self) -> &'static str {
        include_str!("../messages/fr.toml")
    }

    fn month_names(&self) -> &'static [&'static [&'static str]; 12] {
        &[
            &["janvier"],
            &["fevrier"],
            &["mars"],
            &["avril"],
            &["mai"],
            &["juin"],
            &["juillet"],
            &["aout"],
            &["septembre"],
            &["octobre"],
            &["novembre"],
            &["decembre"],
        ]
    }

    fn stem(&self, word: &str) -> String {
        static STEMMER: std::sync::LazyLock<rust_stemmers::Stemmer> =
            std::sync::LazyLock::new(|| {
                rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::French)
            });
        if word == WHERE {
            return word.to_string();
        }
        STEMMER.stem(word).into_owned()
    }
}

/// "où" keeps its accent: folded to "ou" it would be "or".
const WHERE: &str = "où";

#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "le", "la", "les", "l", "un", "une", "des", "du", "de", "d", "a", "au", "aux", "en", "dans",
    "sur", "sous", "par", "pour", "avec", "sans", "et", "ou", "mais", "donc", "ni", "ne", "pas",
    "plus", "que", "qu", "se", "s", "ce", "c", "cet", "cette", "ces", "il", "elle", "ils",
    "elles", "on", "je", "j", "tu", "nous", "vous", "me", "m", "te", "t", "lui", "leur", "leurs",
    "son", "sa", "ses", "mon", "ma", "mes", "ton", "ta", "tes", "notre", "nos", "votre", "vos",
    "est", "sont", "etait", "etaient", "ete", "etre", "ont", "avait", "avaient", "avoir", "y",
    "ca", "cela", "ceci", "celui", "celle", "ceux", "tout", "tous", "toute", "toutes", "tres",
    "bien", "aussi", "deja", "encore", "si", "alors", "puis", "svp", "stp", "dis", "moi", "toi",
    "sait", "sais", "savoir", "vraiment", "genre", "bref", "ok", "hein", "quelqu", "quelque",
    "chose", "fait", "faire", "va", "vont", "peu", "meme", "cest", "jai", "jsuis", "chui", "jvois",
    "jsp", "dedans", "nn", "ouais", "bah", "ben", "mdr", "tkt", "ya", "bout", "voila",
];

const QUESTION_WORDS: &[QuestionWord] = &[
    qw("qui", Kind::Who),
    qw("quand", Kind::When),
    qw(WHERE, Kind::Where),
    qw("pourquoi", Kind::Why),
    qw("pk", Kind::Why),
    qw("pq", Kind::Why),
    qw("pkoi", Kind::Why),
    qw("combien", Kind::HowMany),
    qw("quoi", Kind::What),
    qw("koi", Kind::What),
    qw("quel", Kind::Which),
    qw("quelle", Kind::Which),
    qw("quels", Kind::Which),
    qw("quelles", Kind::Which),
    qw("lequel", Kind::Which),
    qw("laquelle", Kind::Which),
    qw("comment", Kind::How),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_one_word_meet() {
        let f = French;
        assert_eq!(f.stem("reunion"), f.stem("reunions"));
        assert_eq!(f.stem("faction"), f.stem("factions"));
        assert_eq!(f.stem("gouvernement"), f.stem("gouvernements"));
        assert_eq!(f.stem("palestinien"), f.stem("palestiniennes"));
        assert_eq!(f.stem("où"), "où");
    }
}
