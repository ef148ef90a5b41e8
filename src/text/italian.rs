//! Italian: accents dropped ("perché" is "perche"), elided articles and prepositions
//! ("l'incontro", "dell'OLP") taken off, Snowball's Italian stemmer (rust-stemmers).

use super::language::{qw, Kind, Language, QuestionWord, Script, TimelineWords};

pub(crate) struct Italian;

impl Language for Italian {
    fn code(&self) -> &'static str {
        "it"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("Italian", "italiano")
    }

    fn script(&self) -> Script {
        Script::Latin
    }

    fn discord_locales(&self) -> &'static [&'static str] {
        &["it"]
    }

    fn stop_words(&self) -> &'static [&'static str] {
        STOP_WORDS
    }

    fn question_words(&self) -> &'static [QuestionWord] {
        QUESTION_WORDS
    }

    fn help_triggers(&self) -> &'static [&'static str] {
        &[
            "farti",
            "tu",
            "ti",
            "puoi",
            "sai",
            "ciao",
            "salve",
            "buongiorno",
            "buonasera",
            "grazie",
            "aiuto",
            "aiutami",
            "comandi",
            "bot",
            "buondi",
            "buonanotte",
            "arrivederci",
            "vediamo",
            "grz",
            "ottimo",
            "fantastico",
            "perfetto",
        ]
    }

    fn help_fillers(&self) -> &'static [&'static str] {
        &[
            "esattamente",
            "gentilissimo",
            "gentile",
            "utilissimo",
            "utile",
            "cosa",
            "puoi",
            "fare",
            "fai",
            "usa",
            "uso",
            "usare",
            "funzioni",
            "funziona",
            "sai",
            "mille",
            "tante",
            "domande",
            "domanda",
            "argomenti",
            "posso",
            "farti",
            "rispondi",
            "risposte",
            "fonti",
            "lingue",
            "sei",
            "bene",
            "ottimo",
            "grazie",
            "aiuto",
            "bot",
            "persona",
            "umano",
            "ia",
            "esattamente",
            "tutti",
            "lavoro",
            "grande",
            "tue",
            "tuoi",
            "creato",
            "sviluppato",
            "parli",
            "scrivere",
            "inglese",
            "italiano",
            "arabo",
            "russo",
            "francese",
            "segnalare",
            "sbagliata",
            "errore",
            "risposta",
        ]
    }

    fn timeline_words(&self) -> &'static TimelineWords {
        &TimelineWords {
            timeline: &["cronologia", "cronologica", "cronologico"],
            happened: &["successo", "accaduto", "avvenuto", "eventi", "venuto"],
            before: &["prima"],
            after: &["dopo"],
            meeting: &["incontro", "riunione", "colloqui", "mosca", "vertice"],
            fillers: &[
                "dammi",
                "mostrami",
                "completa",
                "intera",
                "tutta",
                "palestinese",
            ],
        }
    }

    fn generic_words(&self) -> &'static [&'static str] {
        &[
            "detto",
            "dice",
            "dicono",
            "disse",
            "ha",
            "spiega",
            "spiegami",
            "descrivi",
            "informazioni",
            "dettagli",
            "riassunto",
            "successo",
            "significa",
            "parere",
            "opinione",
            "chiama",
            "chiamato",
            "nome",
        ]
    }

    fn elisions(&self) -> &'static [&'static str] {
        &[
            "l", "d", "dell", "dall", "nell", "sull", "all", "coll", "un", "c", "quest", "quell",
            "anch", "com", "dov", "s", "m", "t", "v", "n",
        ]
    }

    fn catalogue(&self) -> &'static str {
        include_str!("../messages/it.toml")
    }

    fn month_names(&self) -> &'static [&'static [&'static str]; 12] {
        &[
            &["gennaio"],
            &["febbraio"],
            &["marzo"],
            &["aprile"],
            &["maggio"],
            &["giugno"],
            &["luglio"],
            &["agosto"],
            &["settembre"],
            &["ottobre"],
            &["novembre"],
            &["dicembre"],
        ]
    }

    fn stem(&self, word: &str) -> String {
        static STEMMER: std::sync::LazyLock<rust_stemmers::Stemmer> =
            std::sync::LazyLock::new(|| {
                rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Italian)
            });
        STEMMER.stem(word).into_owned()
    }
}

#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "il", "lo", "la", "i", "gli", "le", "un", "uno", "una", "di", "a", "da", "in", "con", "su",
    "per", "tra", "fra", "del", "dello", "della", "dei", "degli", "delle", "al", "allo", "alla",
    "ai", "agli", "alle", "dal", "dallo", "dalla", "dai", "dagli", "dalle", "nel", "nello",
    "nella", "nei", "negli", "nelle", "sul", "sullo", "sulla", "sui", "sugli", "sulle", "e", "ed",
    "o", "ma", "che", "non", "sono", "era", "erano", "stato", "stata", "stati", "state", "essere",
    "hanno", "ho", "hai", "abbiamo", "avete", "avere", "aveva", "avevano", "mi", "ti", "si", "ci",
    "vi", "ne", "lui", "lei", "loro", "io", "tu", "noi", "voi", "questo", "questa", "questi",
    "queste", "quello", "quella", "quelli", "quelle", "mio", "mia", "tuo", "tua", "suo", "sua",
    "suoi", "sue", "anche", "piu", "molto", "poi", "gia", "ancora", "sai", "dimmi", "ditemi",
    "favore", "pure", "proprio", "ecco", "c", "l", "d", "se", "mai", "tutto", "tutti", "tutte",
    "cioe", "allora", "quindi", "comunque", "tipo", "boh", "ok", "vero", "sapete", "sapresti",
    "qualcuno", "qualcosa", "po", "fatto", "stata", "siamo", "sia", "fosse", "dell", "all", "nell",
    "sull", "dall", "quell", "quest", "quel", "quei", "sto", "sta", "raga", "roba", "niente", "sempre",
    "appena", "esserci", "qualcun", "cmq", "xke", "nn",
];

const QUESTION_WORDS: &[QuestionWord] = &[
    qw("chi", Kind::Who),
    qw("quando", Kind::When),
    qw("dove", Kind::Where),
    qw("perche", Kind::Why),
    qw("xche", Kind::Why),
    qw("xke", Kind::Why),
    qw("quanti", Kind::HowMany),
    qw("quante", Kind::HowMany),
    qw("quanto", Kind::HowMuch),
    qw("quanta", Kind::HowMuch),
    qw("cosa", Kind::What),
    qw("quale", Kind::Which),
    qw("quali", Kind::Which),
    qw("come", Kind::How),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn forms_of_one_word_meet() {
        let i = Italian;
        assert_eq!(i.stem("riunione"), i.stem("riunioni"));
        assert_eq!(i.stem("fazione"), i.stem("fazioni"));
        assert_eq!(i.stem("governo"), i.stem("governi"));
        assert_eq!(i.stem("palestinese"), i.stem("palestinesi"));
    }
}
