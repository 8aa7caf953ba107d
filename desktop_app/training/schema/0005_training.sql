-- ---------------------------------------------------------------- 培训与考核 (version 5)

-- Training categories (核心制度, 三基三严, 总值班培训 …): an editable list. ``code`` marks the built-in
-- ones that requirement rules and other modules refer to (``duty``: 总值班培训, read by the roster).
CREATE TABLE training_categories (
    id          INTEGER PRIMARY KEY,
    code        TEXT UNIQUE,
    name        TEXT NOT NULL UNIQUE,
    sort_order  INTEGER NOT NULL DEFAULT 0,
    active      INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    updated_at  TEXT NOT NULL
);

-- A training session. The audience (everyone, departments, staff categories, named people) is kept
-- as given and resolved into training_attendees rows with expected = 1 (应到) when saved.
CREATE TABLE training_sessions (
    id                  INTEGER PRIMARY KEY,
    uid                 TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    title               TEXT NOT NULL,                 -- 培训主题
    category_id         INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    content             TEXT,                          -- 培训内容
    date                TEXT NOT NULL,
    starts              TEXT,                          -- HH:MM
    ends                TEXT,
    place               TEXT,
    lecturer            TEXT,                          -- 授课人
    lecturer_title      TEXT,                          -- 授课人职称/资质
    department_id       INTEGER REFERENCES departments(id) ON DELETE RESTRICT,  -- 组织科室
    hours               REAL NOT NULL DEFAULT 0,       -- 学时
    form                TEXT NOT NULL DEFAULT '集中' CHECK (form IN ('集中', '科室', '线上')),
    audience_json       TEXT NOT NULL DEFAULT '{}',
    audience_label      TEXT NOT NULL DEFAULT '',
    expected_count      INTEGER NOT NULL DEFAULT 0,    -- 应到 (kept with the session for the list)
    present_count       INTEGER NOT NULL DEFAULT 0,    -- 实到
    attendance_recorded INTEGER NOT NULL DEFAULT 0 CHECK (attendance_recorded IN (0, 1)),
    notes               TEXT,
    created_by          TEXT NOT NULL,
    created_at          TEXT NOT NULL,
    updated_at          TEXT NOT NULL
);
CREATE INDEX training_sessions_date ON training_sessions(date);

-- Who was expected (应到) and who came (present: NULL until attendance is recorded). A person who came
-- without being expected has expected = 0, present = 1.
CREATE TABLE training_attendees (
    session_id  INTEGER NOT NULL REFERENCES training_sessions(id) ON DELETE CASCADE,
    staff_id    INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    expected    INTEGER NOT NULL DEFAULT 1 CHECK (expected IN (0, 1)),
    present     INTEGER CHECK (present IN (0, 1)),
    note        TEXT,
    PRIMARY KEY (session_id, staff_id)
) WITHOUT ROWID;
CREATE INDEX training_attendees_staff ON training_attendees(staff_id, present);

-- 考核 attached to a session or standalone, and 知晓率调查 (sample testing of staff).
CREATE TABLE assessments (
    id           INTEGER PRIMARY KEY,
    uid          TEXT NOT NULL UNIQUE DEFAULT (lower(hex(randomblob(16)))),
    session_id   INTEGER REFERENCES training_sessions(id) ON DELETE CASCADE,
    kind         TEXT NOT NULL DEFAULT '考核' CHECK (kind IN ('考核', '知晓率调查')),
    title        TEXT NOT NULL,
    category_id  INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    date         TEXT NOT NULL,
    full_mark    REAL NOT NULL DEFAULT 100,
    pass_mark    REAL NOT NULL DEFAULT 60,
    notes        TEXT,
    created_by   TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    updated_at   TEXT NOT NULL,
    CHECK (pass_mark >= 0 AND pass_mark <= full_mark)
);
CREATE INDEX assessments_date ON assessments(date);
CREATE INDEX assessments_session ON assessments(session_id);

-- Each person's score per attempt: 1 = the first sitting, 2 … = 补考.
CREATE TABLE assessment_results (
    assessment_id INTEGER NOT NULL REFERENCES assessments(id) ON DELETE CASCADE,
    staff_id      INTEGER NOT NULL REFERENCES staff(id) ON DELETE RESTRICT,
    attempt       INTEGER NOT NULL DEFAULT 1 CHECK (attempt >= 1),
    score         REAL NOT NULL,
    passed        INTEGER NOT NULL CHECK (passed IN (0, 1)),
    date          TEXT NOT NULL,
    PRIMARY KEY (assessment_id, staff_id, attempt)
) WITHOUT ROWID;
CREATE INDEX assessment_results_staff ON assessment_results(staff_id, passed);

-- Requirement rules: category × staff group × times per year (or before the first duty), optionally
-- with a passed assessment. Seeded from resources/training/defaults.json; the hospital edits them.
CREATE TABLE training_requirements (
    id             INTEGER PRIMARY KEY,
    category_id    INTEGER NOT NULL REFERENCES training_categories(id) ON DELETE RESTRICT,
    staff_group    TEXT NOT NULL,
    times_per_year INTEGER CHECK (times_per_year IS NULL OR times_per_year >= 1),
    before_duty    INTEGER NOT NULL DEFAULT 0 CHECK (before_duty IN (0, 1)),
    must_pass      INTEGER NOT NULL DEFAULT 0 CHECK (must_pass IN (0, 1)),
    active         INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    notes          TEXT,
    updated_at     TEXT NOT NULL,
    CHECK (times_per_year IS NOT NULL OR before_duty = 1)
);
