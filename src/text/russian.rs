//! Russian: "ё" read as "е", "й" kept whole, Snowball's Russian stemmer (rust-stemmers).
//! Declined names that the stemmer does not bring together ("Лавров" stems to "лавр",
//! "Лаврова" to "лавров") meet through the spellings in `knowledge/aliases.toml`.

use super::language::{qw, Kind, Language, QuestionWord, Script, TimelineWords};

pub(crate) struct Russian;

impl Language for Russian {
    fn code(&self) -> &'static str {
        "ru"
    }

    fn names(&self) -> (&'static str, &'static str) {
        ("Russian", "русский")
    }

    fn script(&self) -> Script {
        Script::Cyrillic
    }

    fn discord_locales(&self) -> &'static [&'static str] {
        &["ru"]
    }

    fn stop_words(&self) -> &'static [&'static str] {
        STOP_WORDS
    }

    fn question_words(&self) -> &'static [QuestionWord] {
        QUESTION_WORDS
    }

    fn help_triggers(&self) -> &'static [&'static str] {
        &[
            "ты",
            "тебе",
            "тебя",
            "вы",
            "вам",
            "привет",
            "здравствуйте",
            "здравствуй",
            "здорово",
            "спасибо",
            "спс",
            "благодарю",
            "помощь",
            "помоги",
            "помогите",
            "команды",
            "бот",
            "хелп",
            "прив",
            "приветик",
            "здарова",
            "хай",
            "ку",
            "доброе",
            "добрый",
            "доброго",
            "пока",
            "пасиб",
            "пасибо",
            "спасибки",
            "сенкс",
            "души",
        ]
    }

    fn help_fillers(&self) -> &'static [&'static str] {
        &[
            "темы",
            "можно",
            "задавать",
            "вопросы",
            "очень",
            "помог",
            "помогли",
            "выручил",
            "выручила",
            "выручили",
            "умеешь",
            "умеете",
            "можешь",
            "можете",
            "пользоваться",
            "тобой",
            "этим",
            "ботом",
            "большое",
            "огромное",
            "добрый",
            "доброе",
            "день",
            "вечер",
            "утро",
            "всем",
            "нужна",
            "спросить",
            "вопросы",
            "вопрос",
            "задавать",
            "можно",
            "темы",
            "тебе",
            "отвечаешь",
            "ответы",
            "источники",
            "языки",
            "делаешь",
            "помог",
            "помогло",
            "бот",
            "человек",
            "ии",
            "работаешь",
            "работает",
            "понятно",
            "класс",
            "норм",
            "крутой",
            "языках",
            "говоришь",
            "писать",
            "английском",
            "русском",
            "арабском",
            "берешь",
            "инфу",
            "живой",
            "сообщить",
            "неправильном",
            "ответе",
            "ответил",
            "неверно",
            "написать",
            "сделал",
            "создал",
        ]
    }

    fn timeline_words(&self) -> &'static TimelineWords {
        &TimelineWords {
            timeline: &["хронология", "хронологию", "хронологии", "таймлайн"],
            happened: &["произошло", "случилось", "было", "события", "происходило"],
            before: &["до", "перед", "раньше"],
            after: &["после", "затем", "потом"],
            meeting: &[
                "встреча",
                "встречи",
                "встрече",
                "переговоры",
                "переговоров",
                "москве",
                "москва",
            ],
            fillers: &[
                "покажи",
                "дай",
                "полную",
                "всю",
                "мне",
                "межпалестинской",
                "межпалестинская",
            ],
        }
    }

    fn generic_words(&self) -> &'static [&'static str] {
        &[
            "сказал",
            "сказала",
            "сказали",
            "говорил",
            "говорит",
            "заявил",
            "заявила",
            "объясни",
            "расскажи",
            "подробнее",
            "подробности",
            "информация",
            "кратко",
            "произошло",
            "случилось",
            "значит",
            "мнение",
            "называют",
            "называется",
        ]
    }

    fn fold_char(&self, c: char) -> Option<char> {
        Some(if c == 'ё' { 'е' } else { c })
    }

    fn drops_marks(&self) -> bool {
        false
    }

    fn catalogue(&self) -> &'static str {
        include_str!("../messages/ru.toml")
    }

    fn month_names(&self) -> &'static [&'static [&'static str]; 12] {
        &[
            &["январ"],
            &["феврал"],
            &["март"],
            &["апрел"],
            &["мая", "май", "мае"],
            &["июн"],
            &["июл"],
            &["август"],
            &["сентябр"],
            &["октябр"],
            &["ноябр"],
            &["декабр"],
        ]
    }

    fn stem(&self, word: &str) -> String {
        static STEMMER: std::sync::LazyLock<rust_stemmers::Stemmer> =
            std::sync::LazyLock::new(|| {
                rust_stemmers::Stemmer::create(rust_stemmers::Algorithm::Russian)
            });
        STEMMER.stem(word).into_owned()
    }
}

#[rustfmt::skip]
const STOP_WORDS: &[&str] = &[
    "и", "в", "во", "не", "он", "на", "я", "с", "со", "а", "то", "все", "она", "так", "его", "но",
    "да", "ты", "к", "у", "же", "вы", "за", "бы", "по", "только", "ее", "мне", "было", "вот", "от",
    "меня", "еще", "нет", "о", "об", "из", "ему", "теперь", "даже", "ну", "ли", "если", "уже",
    "или", "ни", "быть", "был", "была", "были", "него", "до", "вас", "нибудь", "уж", "вам",
    "ведь", "там", "себя", "ей", "может", "они", "тут", "есть", "надо", "ней", "для", "мы",
    "тебя", "их", "сам", "чтоб", "чтобы", "без", "будто", "раз", "тоже", "себе", "под",
    "будет", "ж", "тогда", "этот", "того", "этого", "это", "эта", "эти", "этом", "этой", "эту",
    "здесь", "мой", "тем", "нее", "сейчас", "при", "над", "тот", "та", "те", "нас", "про", "всего",
    "них", "разве", "свою", "свой", "своя", "том", "им", "более", "всегда", "между", "такой",
    "такая", "такие", "такое", "пожалуйста", "скажи", "скажите", "подскажи", "подскажите",
    "вообще", "именно", "также", "просто", "вроде", "типа", "лол", "ок", "ваще", "чет", "чето",
    "короче", "кстати", "щас", "плиз", "пж", "блин", "ага", "какбы", "инфа",
];

const QUESTION_WORDS: &[QuestionWord] = &[
    qw("кто", Kind::Who),
    qw("кого", Kind::Who),
    qw("кому", Kind::Who),
    qw("кем", Kind::Who),
    qw("чей", Kind::Who),
    qw("чья", Kind::Who),
    qw("чье", Kind::Who),
    qw("чьи", Kind::Who),
    qw("когда", Kind::When),
    qw("када", Kind::When),
    qw("где", Kind::Where),
    qw("куда", Kind::Where),
    qw("откуда", Kind::Where),
    qw("почему", Kind::Why),
    qw("зачем", Kind::Why),
    qw("отчего", Kind::Why),
    qw("сколько", Kind::HowMany),
    qw("скок", Kind::HowMany),
    qw("скока", Kind::HowMany),
    qw("что", Kind::What),
    qw("че", Kind::What),
    qw("чо", Kind::What),
    qw("што", Kind::What),
    qw("шо", Kind::What),
    qw("чего", Kind::What),
    qw("чем", Kind::What),
    qw("какой", Kind::Which),
    qw("какая", Kind::Which),
    qw("какое", Kind::Which),
    qw("какие", Kind::Which),
    qw("каких", Kind::Which),
    qw("каком", Kind::Which),
    qw("какого", Kind::Which),
    qw("какую", Kind::Which),
    qw("как", Kind::How),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cases_of_one_word_meet() {
        let r = Russian;
        assert_eq!(r.stem("встреча"), r.stem("встречи"));
        assert_eq!(r.stem("встречу"), r.stem("встреча"));
        assert_eq!(r.stem("фракции"), r.stem("фракций"));
        assert_eq!(r.stem("правительство"), r.stem("правительства"));
        assert_eq!(r.stem("палестинские"), r.stem("палестинских"));
    }
}
