//! The store through its public API, on temporary copies of the shipped knowledge folder.

mod common;

use std::fs;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::{Duration, UNIX_EPOCH};

use talks_bot::knowledge::{check, Citation, KnowledgeBase};
use talks_bot::store::{
    fact_to_toml, parse_fact, Action, Actor, Entry, JOURNAL_FILE, PENDING_FILE,
};
use talks_bot::{shared, Engine, MatchSettings, Store, StoreError, Version};

use common::{copy_knowledge, journal_lines, new_fact, snapshot};

/// A store over a fresh copy of the shipped knowledge folder, which lives as long as the
/// `TempDir`.
fn open_copy() -> (tempfile::TempDir, PathBuf, Store) {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let store = Store::open(&dir).unwrap();
    (tmp, dir, store)
}

fn mod_alice() -> Actor {
    Actor::discord(42, "alice")
}

fn fixed_clock() -> impl Fn() -> std::time::SystemTime + Send + Sync + 'static {
    || UNIX_EPOCH + Duration::from_secs(1_709_294_400)
}

#[test]
fn add_edit_undo_round_trip_with_history_oldest_first() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let store = Store::open(&dir).unwrap().with_clock(fixed_clock());
    assert!(store.recovered_at_open().is_clean());

    let fact = new_fact("chairs");
    let added = store
        .add(fact.clone(), mod_alice(), Some("asked in #general"))
        .unwrap();
    assert_eq!(added.entry.action, Action::Add);
    assert_eq!(added.entry.seq, 1);
    assert_eq!(added.entry.time, "2024-03-01T12:00:00Z");
    let shown = store.show("chairs").unwrap();
    assert_eq!(shown.fact, fact);
    assert_eq!(Some(shown.version), added.version);
    assert_eq!(
        shown.toml,
        fs::read_to_string(dir.join("facts/chairs.toml")).unwrap()
    );
    assert!(
        KnowledgeBase::load(&dir).is_ok(),
        "the base with the added fact passes the check"
    );

    let mut edited = fact.clone();
    edited.answer = "According to TASS, the delegates sat on blue chairs.\n".into();
    let change = store
        .edit(
            "chairs",
            edited.clone(),
            shown.version,
            Actor::Cli { user: "op".into() },
            None,
        )
        .unwrap();
    assert_eq!(store.show("chairs").unwrap().fact, edited);
    assert_eq!(change.entry.changes().len(), 1);
    assert_eq!(change.entry.changes()[0].field, "answer");

    let history = store.history("chairs").unwrap();
    assert_eq!(
        history
            .iter()
            .map(|e| (e.seq, e.action))
            .collect::<Vec<_>>(),
        [(1, Action::Add), (2, Action::Edit)]
    );
    assert_eq!(history[0].reason.as_deref(), Some("asked in #general"));
    assert_eq!(history[0].actor, mod_alice());
    assert_eq!(history[1].before.as_ref(), Some(&fact));
    assert_eq!(history[1].after.as_ref(), Some(&edited));

    // Undo the edit: back to the added fact.
    let undone = common::undo_latest(&store, "chairs", mod_alice(), Some("wrong colour")).unwrap();
    assert_eq!(undone.entry.undoes, Some(2));
    assert_eq!(store.show("chairs").unwrap().fact, fact);
    assert_eq!(
        undone.version, added.version,
        "the same bytes as after the add"
    );
    // Undo again: the add is undone, so the fact is gone.
    let gone = common::undo_latest(&store, "chairs", mod_alice(), None).unwrap();
    assert_eq!(gone.entry.undoes, Some(1));
    assert_eq!(gone.version, None);
    assert!(!dir.join("facts/chairs.toml").exists());
    assert!(matches!(
        common::undo_latest(&store, "chairs", mod_alice(), None),
        Err(StoreError::NothingToUndo { .. })
    ));
    assert!(matches!(
        store.show("chairs"),
        Err(StoreError::NotFound { .. })
    ));

    let journal = journal_lines(&dir);
    assert_eq!(
        journal.iter().map(|e| e.seq).collect::<Vec<_>>(),
        [1, 2, 3, 4]
    );
    assert_eq!(store.history("chairs").unwrap(), journal);
    assert!(KnowledgeBase::load(&dir).is_ok());
}

#[test]
fn remove_and_undo_restore_the_fact() {
    let (_tmp, dir, store) = open_copy();
    let kb = KnowledgeBase::load(&dir).unwrap();
    let lonely = kb
        .facts()
        .iter()
        .find(|f| !kb.facts().iter().any(|o| o.related.contains(&f.id)))
        .expect("a fact nobody relates to")
        .id
        .clone();
    let before = store.show(&lonely).unwrap();
    let removed = store
        .remove(&lonely, before.version, mod_alice(), Some("duplicate"))
        .unwrap();
    assert_eq!(removed.entry.before.as_ref(), Some(&before.fact));
    assert_eq!(removed.entry.after, None);
    assert!(!store.fact_path(&lonely).exists());
    assert!(KnowledgeBase::load(&dir).is_ok());

    common::undo_latest(&store, &lonely, mod_alice(), None).unwrap();
    assert_eq!(store.show(&lonely).unwrap().fact, before.fact);
    assert_eq!(
        KnowledgeBase::load(&dir).unwrap().facts().len(),
        kb.facts().len()
    );
}

/// The translations of the shipped base are each fact's, in its folder: a removed fact's
/// stay there, unserved, and serve again when the removal is undone; nothing is lost, and a
/// new fact cannot take the id while they are there.
#[test]
fn a_translated_fact_is_removed_and_restored_with_its_translations() {
    let (_tmp, dir, store) = open_copy();
    let id = "hamas-bogdanov-side-meeting";
    let fr = talks_bot::text::Lang::from_code("fr").unwrap();
    let french = "La délégation du Hamas a-t-elle rencontré séparément des responsables russes pendant la réunion de Moscou ?";
    let served_in_french = |dir: &std::path::Path| {
        let engine = Engine::load(dir, MatchSettings::default()).unwrap();
        let reading = talks_bot::engine::Reading {
            hint: None,
            force: Some(fr),
        };
        let answer = engine.ask_with(french, reading);
        answer.fact().map(|f| f.id.clone()).as_deref() == Some(id) && answer.language == fr
    };
    let kb = KnowledgeBase::load(&dir).unwrap();
    assert!(!kb.facts().iter().any(|f| f.related.iter().any(|r| r == id)));
    let translated = kb.translations().iter().filter(|t| t.fact == id).count();
    assert!(translated > 0, "the shipped fact has translations");
    assert!(served_in_french(&dir), "served before the removal");
    let french_file = dir.join(format!("translations/fr/{id}.toml"));
    let kept = fs::read(&french_file).unwrap();

    let version = store.show(id).unwrap().version;
    store.remove(id, version, mod_alice(), None).unwrap();
    // The base still loads and is served; the translations are kept, named by `check`'s
    // warnings, and not served.
    let kb = KnowledgeBase::load(&dir).expect("the base loads without the fact");
    assert!(kb.fact(id).is_none());
    assert_eq!(
        fs::read(&french_file).unwrap(),
        kept,
        "the translation is kept"
    );
    let warned = talks_bot::knowledge::translation::warnings(&kb);
    assert_eq!(
        warned
            .iter()
            .filter(|w| w.message.contains(&format!("no fact has the id `{id}`")))
            .count(),
        translated,
        "{warned:#?}"
    );
    assert!(!served_in_french(&dir), "not served while the fact is gone");

    // A new fact cannot take the id: the translations translate the removed one.
    let files = snapshot(&dir);
    let refused = store
        .add(new_fact(id), mod_alice(), None)
        .expect_err("the id still has translations");
    match &refused {
        StoreError::TranslationsLeft { id: named, files } => {
            assert_eq!(named, id);
            assert_eq!(files.len(), translated);
            assert!(
                files.contains(&format!("translations/fr/{id}.toml")),
                "{files:?}"
            );
        }
        other => panic!("{other}"),
    }
    assert!(refused.is_refusal());
    assert!(refused.to_string().contains("undo"), "{refused}");
    assert_eq!(snapshot(&dir), files, "a refused change writes nothing");

    // Undoing the removal serves the fact again, in French too.
    common::undo_latest(&store, id, mod_alice(), None).unwrap();
    assert!(KnowledgeBase::load(&dir).unwrap().fact(id).is_some());
    assert!(served_in_french(&dir), "served again after the undo");
}

#[test]
fn removing_a_fact_others_relate_to_is_refused() {
    let (_tmp, dir, store) = open_copy();
    let version = store.show("meeting-end-date").unwrap().version;
    let err = store
        .remove("meeting-end-date", version, mod_alice(), None)
        .unwrap_err();
    let StoreError::StillRelated { by, .. } = &err else {
        panic!("{err}")
    };
    assert!(by.contains(&"meeting-dates".to_string()), "{err}");
    assert!(err.is_refusal());
    assert!(err.to_string().contains("meeting-dates"), "{err}");
    assert!(store.fact_path("meeting-end-date").exists());
    assert!(!dir.join(JOURNAL_FILE).exists());
}

#[test]
fn a_stale_edit_is_refused_with_what_changed() {
    let (_tmp, dir, store) = open_copy();
    let start = store.show("meeting-dates").unwrap();

    // Moderator A changes the answer.
    let mut a = start.fact.clone();
    a.answer.push_str("\nA's addition.\n");
    store
        .edit("meeting-dates", a.clone(), start.version, mod_alice(), None)
        .unwrap();

    // Moderator B, who loaded the same version, changes the keywords: refused.
    let mut b = start.fact.clone();
    b.keywords.push("bobs-keyword".into());
    let err = store
        .edit(
            "meeting-dates",
            b.clone(),
            start.version,
            Actor::discord(7, "bob"),
            None,
        )
        .unwrap_err();
    let StoreError::Stale {
        changes,
        since_base,
        base,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert_eq!(*base, start.version);
    assert!(*since_base, "the journal knows the version B started from");
    assert_eq!(
        changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["answer"]
    );
    let message = err.to_string();
    assert!(
        message.contains("What changed since your version") && message.contains("A's addition"),
        "{message}"
    );
    assert_eq!(
        store.show("meeting-dates").unwrap().fact,
        a,
        "nothing was overwritten"
    );

    // A stale remove is refused as well.
    assert!(matches!(
        store.remove("meeting-dates", start.version, mod_alice(), None),
        Err(StoreError::Stale { .. })
    ));

    // An edit made outside the store changes the version too.
    let current = store.show("meeting-dates").unwrap();
    let path = store.fact_path("meeting-dates");
    fs::write(
        &path,
        current.toml.replace("A's addition.", "Edited in vim."),
    )
    .unwrap();
    let mut c = current.fact.clone();
    c.keywords.push("carols".into());
    let err = store
        .edit(
            "meeting-dates",
            c.clone(),
            current.version,
            mod_alice(),
            None,
        )
        .unwrap_err();
    let StoreError::Stale {
        changes,
        since_base,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(since_base, "the base is the store's own last version");
    assert!(err.to_string().contains("Edited in vim"), "{err}");
    assert_eq!(changes.len(), 1, "{err}");
    // A version the journal never saw: the message compares the current fact with the edit.
    let err = store
        .edit(
            "meeting-dates",
            c,
            Version::of(b"unknown"),
            mod_alice(),
            None,
        )
        .unwrap_err();
    let StoreError::Stale {
        changes,
        since_base,
        ..
    } = &err
    else {
        panic!("{err}")
    };
    assert!(!since_base);
    assert_eq!(
        changes.iter().map(|c| c.field.as_str()).collect::<Vec<_>>(),
        ["keywords", "answer"],
        "{err}"
    );
    assert_eq!(journal_lines(&dir).len(), 1);
}

#[test]
fn invalid_changes_are_refused_and_nothing_is_written() {
    let (_tmp, dir, store) = open_copy();
    let before = snapshot(&dir);

    let refused = |fact, field: &str| {
        let err = store.add(fact, mod_alice(), None).unwrap_err();
        let StoreError::Invalid { problems, .. } = &err else {
            panic!("{field}: {err}")
        };
        assert!(
            problems.iter().any(|p| p.field.as_deref() == Some(field)),
            "{field}: {err}"
        );
        assert!(err.is_refusal());
        assert!(err.to_string().contains(field), "{err}");
    };
    let mut f = new_fact("x-no-source");
    f.sources.clear();
    refused(f, "sources");
    let mut f = new_fact("x-unknown-source");
    f.sources[0].source = "no-such-source".into();
    refused(f, "sources[0].source");
    let mut f = new_fact("x-bad-quote");
    f.sources = vec![Citation {
        source: "pluralia-moscow-meeting".into(),
        quote: Some("words Pluralia never wrote".into()),
        note: None,
    }];
    refused(f, "sources[0].quote");
    let mut f = new_fact("x-missing-quote");
    f.sources[0].source = "pluralia-moscow-meeting".into();
    refused(f, "sources[0]");
    let mut f = new_fact("x-mention");
    f.answer = "Ask @everyone about it.".into();
    refused(f, "answer");
    let mut f = new_fact("x-mention-topic");
    f.topic = "<@123456> topic".into();
    refused(f, "topic");
    let mut f = new_fact("x-too-long");
    f.answer = "a".repeat(1501);
    refused(f, "answer");
    let mut f = new_fact("x-few-alternates");
    f.alternates.truncate(1);
    refused(f, "alternates");
    let mut f = new_fact("x-bad-related");
    f.related = vec!["no-such-fact".into()];
    refused(f, "related[0]");

    assert!(matches!(
        store.add(new_fact("Bad Id"), mod_alice(), None),
        Err(StoreError::BadId { .. })
    ));
    assert!(matches!(
        store.add(new_fact("meeting-dates"), mod_alice(), None),
        Err(StoreError::AlreadyExists { .. })
    ));
    assert!(matches!(
        store.show("../aliases"),
        Err(StoreError::BadId { .. })
    ));
    let shown = store.show("meeting-dates").unwrap();
    let mut renamed = shown.fact.clone();
    renamed.id = "meeting-dates-2".into();
    assert!(matches!(
        store.edit("meeting-dates", renamed, shown.version, mod_alice(), None),
        Err(StoreError::IdMismatch { .. })
    ));
    assert!(matches!(
        store.edit(
            "meeting-dates",
            shown.fact.clone(),
            shown.version,
            mod_alice(),
            None
        ),
        Err(StoreError::Unchanged { .. })
    ));
    assert!(matches!(
        store.add(new_fact("x-reason"), mod_alice(), Some("ping @here")),
        Err(StoreError::BadReason(_))
    ));
    assert!(matches!(
        parse_fact("id = \"x\"\nunknown = 1\n"),
        Err(StoreError::Parse(_))
    ));

    assert_eq!(
        snapshot(&dir),
        before,
        "refused changes write nothing, not even the journal"
    );
}

#[test]
fn untouched_files_stay_byte_for_byte() {
    let (_tmp, dir, store) = open_copy();
    let before = snapshot(&dir);
    let shown = store.show("lavrov-opening").unwrap();
    let mut fact = shown.fact.clone();
    fact.keywords.push("speech".into());
    store
        .edit(
            "lavrov-opening",
            fact.clone(),
            shown.version,
            mod_alice(),
            None,
        )
        .unwrap();
    let after = snapshot(&dir);

    let changed: Vec<String> = after
        .keys()
        .chain(before.keys())
        .filter(|path| before.get(*path) != after.get(*path))
        .map(|path| path.display().to_string())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    assert_eq!(changed, ["facts/lavrov-opening.toml", JOURNAL_FILE]);
    assert_eq!(
        parse_fact(&fs::read_to_string(store.fact_path("lavrov-opening")).unwrap()).unwrap(),
        fact
    );
    assert!(!dir.join(PENDING_FILE).exists());
}

#[test]
fn shipped_facts_are_written_back_exactly_as_they_are() {
    let kb = KnowledgeBase::load(&common::shipped()).unwrap();
    for fact in kb.facts() {
        let path = common::shipped()
            .join("facts")
            .join(format!("{}.toml", fact.id));
        assert_eq!(
            fact_to_toml(fact),
            fs::read_to_string(&path).unwrap(),
            "{}",
            path.display()
        );
    }
}

#[test]
fn a_url_given_as_a_source_becomes_a_source_file() {
    let (_tmp, dir, store) = open_copy();
    let mut fact = new_fact("url-cited");
    fact.sources = vec![Citation {
        source: "https://www.example.org/news/2024/03/moscow?utm=x".into(),
        quote: None,
        note: None,
    }];
    let change = store.add(fact, mod_alice(), None).unwrap();
    assert_eq!(change.entry.sources_added.len(), 1);
    let source = &change.entry.sources_added[0];
    assert_eq!(source.id, "example-org-news-2024-03-moscow");
    assert_eq!(source.outlet, "example.org");
    assert_eq!(source.text, None);
    let kb = KnowledgeBase::load(&dir).unwrap();
    assert_eq!(
        kb.source(&source.id).map(|s| s.url.as_str()),
        Some("https://www.example.org/news/2024/03/moscow?utm=x")
    );
    assert_eq!(kb.fact("url-cited").unwrap().sources[0].source, source.id);

    // The same URL again reuses the source; a quote on a URL source cannot be verified.
    let mut again = new_fact("url-cited-again");
    again.sources[0].source = source.url.clone();
    assert!(store
        .add(again, mod_alice(), None)
        .unwrap()
        .entry
        .sources_added
        .is_empty());
    let mut quoted = new_fact("url-quoted");
    quoted.sources = vec![Citation {
        source: "https://other.example/x".into(),
        quote: Some("q".into()),
        note: None,
    }];
    let err = store.add(quoted, mod_alice(), None).unwrap_err();
    assert!(err.to_string().contains("no stored text"), "{err}");
    assert!(!dir.join("sources/other-example-x.toml").exists());
}

#[test]
fn an_accepted_change_is_answered_from_at_once() {
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let engine = shared(Engine::load(&dir, MatchSettings::default()).unwrap());
    let store = Store::open(&dir).unwrap().with_engine(engine.clone());
    let shown = store.show("meeting-location").unwrap();
    let mut fact = shown.fact.clone();
    fact.answer = "The meeting was held in Moscow (edited answer).\n".into();
    store
        .edit("meeting-location", fact, shown.version, mod_alice(), None)
        .unwrap();
    let snapshot = engine.load();
    let answer = snapshot.answer_fact("meeting-location").unwrap();
    assert!(
        answer.to_text().contains("edited answer"),
        "{}",
        answer.to_text()
    );
}

#[test]
fn an_interrupted_change_is_completed_on_open() {
    let (_tmp, dir, store) = open_copy();
    let first = store.add(new_fact("chairs"), mod_alice(), None).unwrap();
    drop(store);

    // A writer that died after writing the pending marker (step 1) and before anything else,
    // leaving a temporary and half a journal line behind.
    let mut after = new_fact("chairs");
    after.answer = "Interrupted edit.\n".into();
    let entry = Entry {
        seq: 2,
        action: Action::Edit,
        before: first.entry.after.clone(),
        after: Some(after.clone()),
        undoes: None,
        reason: None,
        ..first.entry.clone()
    };
    fs::write(dir.join(PENDING_FILE), serde_json::to_vec(&entry).unwrap()).unwrap();
    fs::write(dir.join("facts/.chairs.toml.99-0.tmp"), "half").unwrap();
    let mut journal = fs::OpenOptions::new()
        .append(true)
        .open(dir.join(JOURNAL_FILE))
        .unwrap();
    std::io::Write::write_all(&mut journal, b"{\"seq\":2,\"ti").unwrap();

    let store = Store::open(&dir).unwrap();
    let recovery = store.recovered_at_open();
    assert_eq!(recovery.completed, Some(2));
    assert_eq!(recovery.temps_removed, 1);
    assert_eq!(recovery.torn_journal_bytes, 12);
    assert_eq!(store.show("chairs").unwrap().fact, after);
    assert_eq!(
        journal_lines(&dir)
            .iter()
            .map(|e| e.seq)
            .collect::<Vec<_>>(),
        [1, 2]
    );
    assert!(!dir.join(PENDING_FILE).exists());
    assert!(!dir.join("facts/.chairs.toml.99-0.tmp").exists());

    // Recovery is idempotent: a marker whose entry is already journaled is only cleared.
    fs::write(dir.join(PENDING_FILE), serde_json::to_vec(&entry).unwrap()).unwrap();
    drop(store);
    let store = Store::open(&dir).unwrap();
    assert_eq!(store.recovered_at_open().completed, Some(2));
    assert_eq!(journal_lines(&dir).len(), 2);
    assert!(check(&KnowledgeBase::load(&dir).unwrap()).is_empty());
}

/// 100 edits of one fact from 10 threads over two stores (two lock-file handles, as two
/// processes would have): every thread retries on a stale version, and no update is lost.
#[test]
fn concurrent_edits_lose_no_update() {
    const THREADS: usize = 10;
    const EDITS: usize = 10;
    let tmp = copy_knowledge();
    let dir = tmp.path().join("knowledge");
    let stores = [
        Arc::new(Store::open(&dir).unwrap()),
        Arc::new(Store::open(&dir).unwrap()),
    ];
    let original = stores[0].show("meeting-purpose").unwrap().fact;

    let handles: Vec<_> = (0..THREADS)
        .map(|t| {
            let store = stores[t % 2].clone();
            std::thread::spawn(move || {
                let mut stale = 0;
                for i in 0..EDITS {
                    loop {
                        let shown = store.show("meeting-purpose").unwrap();
                        let mut fact = shown.fact;
                        fact.keywords.push(format!("t{t}-e{i}"));
                        let actor = Actor::discord(t as u64, format!("mod{t}"));
                        match store.edit("meeting-purpose", fact, shown.version, actor, None) {
                            Ok(_) => break,
                            Err(StoreError::Stale { .. }) => stale += 1,
                            // "try again": the documented answer to a folder held too long.
                            Err(e) if e.is_busy() => {}
                            Err(e) => panic!("thread {t} edit {i}: {e}"),
                        }
                    }
                }
                stale
            })
        })
        .collect();
    let stale: usize = handles.into_iter().map(|h| h.join().unwrap()).sum();

    let fact = stores[0].show("meeting-purpose").unwrap().fact;
    for t in 0..THREADS {
        for i in 0..EDITS {
            assert!(
                fact.keywords.contains(&format!("t{t}-e{i}")),
                "t{t}-e{i} lost"
            );
        }
    }
    assert_eq!(
        fact.keywords.len(),
        original.keywords.len() + THREADS * EDITS
    );
    let journal = journal_lines(&dir);
    assert_eq!(journal.len(), THREADS * EDITS);
    assert_eq!(
        journal.iter().map(|e| e.seq).collect::<Vec<_>>(),
        (1..=100).collect::<Vec<u64>>()
    );
    // Each change starts from the one before it: the journal is one unbroken chain.
    let mut previous = Some(original);
    for entry in &journal {
        assert_eq!(entry.before, previous, "seq {}", entry.seq);
        previous = entry.after.clone();
    }
    assert_eq!(previous.as_ref(), Some(&fact));
    assert!(KnowledgeBase::load(&dir).is_ok());
    eprintln!("100 edits, {stale} stale refusals retried");
}

#[test]
fn versions_are_hashes_of_the_file() {
    let (_tmp, _, store) = open_copy();
    let shown = store.show("meeting-dates").unwrap();
    assert_eq!(
        shown.version,
        Version::of(&fs::read(store.fact_path("meeting-dates")).unwrap())
    );
}

#[test]
fn undo_is_refused_after_an_outside_edit() {
    let (_tmp, _, store) = open_copy();
    let shown = store.show("meeting-dates").unwrap();
    let mut fact = shown.fact.clone();
    fact.keywords.push("store-edit".into());
    let change = store
        .edit("meeting-dates", fact, shown.version, mod_alice(), None)
        .unwrap();
    let path = store.fact_path("meeting-dates");
    let text = fs::read_to_string(&path).unwrap();
    fs::write(&path, text.replace("\"store-edit\"", "\"vim-edit\"")).unwrap();
    let err = common::undo_latest(&store, "meeting-dates", mod_alice(), None).unwrap_err();
    let StoreError::ChangedOutside { seq, changes, .. } = &err else {
        panic!("{err}")
    };
    assert_eq!(*seq, change.entry.seq);
    assert_eq!(changes.len(), 2, "{err}");
    assert!(err.to_string().contains("vim-edit"), "{err}");
    assert!(
        fs::read_to_string(&path).unwrap().contains("vim-edit"),
        "nothing was restored"
    );
}

#[test]
fn an_edit_keeps_the_comments_and_layout_of_a_hand_written_file() {
    let (_tmp, _dir, store) = open_copy();
    let path = store.fact_path("meeting-dates");
    let house = fs::read_to_string(&path).unwrap();
    // A moderator's notes, written by hand in the file.
    let hand = format!(
        "# Checked against TASS and Pluralia, March 2024.\n{}",
        house
    )
    .replacen(
        "alternates = [\n",
        "alternates = [\n  # as asked on the server\n",
        1,
    )
    .replacen(
        "\n[[sources]]\n",
        "\n# the first source is the main one\n[[sources]]\n",
        1,
    );
    fs::write(&path, &hand).unwrap();
    let shown = store.show("meeting-dates").unwrap();
    let mut fact = shown.fact.clone();
    fact.alternates
        .push("what were the dates of the moscow meeting".into());
    fact.keywords.retain(|k| k != "date");
    let change = store
        .edit(
            "meeting-dates",
            fact.clone(),
            shown.version,
            mod_alice(),
            None,
        )
        .unwrap();
    let text = fs::read_to_string(&path).unwrap();
    for comment in [
        "# Checked against TASS and Pluralia, March 2024.\n",
        "  # as asked on the server\n",
        "# the first source is the main one\n[[sources]]",
    ] {
        assert!(text.contains(comment), "{comment:?} was dropped:\n{text}");
    }
    assert_eq!(parse_fact(&text).unwrap(), fact);
    assert_eq!(change.version, Some(Version::of(text.as_bytes())));
    assert_eq!(
        store.show("meeting-dates").unwrap().version,
        change.version.unwrap()
    );
    // Undo restores the fact and keeps the comments too: the file is as it was by hand.
    common::undo_latest(&store, "meeting-dates", mod_alice(), None).unwrap();
    assert_eq!(fs::read_to_string(&path).unwrap(), hand);
    // Unchanged is told from the fact, not the text.
    let shown = store.show("meeting-dates").unwrap();
    assert!(matches!(
        store.edit(
            "meeting-dates",
            shown.fact,
            shown.version,
            mod_alice(),
            None
        ),
        Err(StoreError::Unchanged { .. })
    ));
}

#[test]
fn a_phrasing_is_added_as_an_alternate_through_a_checked_journaled_edit() {
    let (_tmp, _dir, store) = open_copy();
    let before = store.show("meeting-dates").unwrap().fact;
    let change = store
        .add_phrasing(
            "meeting-dates",
            "  when  did they  meet ",
            mod_alice(),
            Some("from the queue"),
        )
        .unwrap();
    let after = store.show("meeting-dates").unwrap().fact;
    assert_eq!(after.alternates.last().unwrap(), "when did they meet");
    assert_eq!(after.alternates.len(), before.alternates.len() + 1);
    assert_eq!(change.entry.action, Action::Edit);
    assert_eq!(change.entry.reason.as_deref(), Some("from the queue"));
    assert!(matches!(
        store.add_phrasing("meeting-dates", "WHEN did they meet", mod_alice(), None),
        Err(StoreError::Unchanged { .. })
    ));
    // Checked like any edit: mention syntax is refused.
    assert!(matches!(
        store.add_phrasing("meeting-dates", "hey @everyone", mod_alice(), None),
        Err(StoreError::Invalid { .. })
    ));
}
