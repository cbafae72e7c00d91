-- What the rules engine needs: the assistants' working-time regime and residence, the date of
-- the FK notice per assignment, decisions on assistance, and absences (hospital, school, ...).

ALTER TABLE assistants ADD COLUMN eea_resident INTEGER NOT NULL DEFAULT 1 CHECK (eea_resident IN (0, 1));
-- Municipal assistants are employed under AB bilaga J by default.
ALTER TABLE assistants ADD COLUMN regime TEXT NOT NULL DEFAULT 'ab_bilaga_j' CHECK (regime IN ('atl', 'husligt_arbete', 'ab_bilaga_j'));
ALTER TABLE assistants ADD COLUMN period_start TEXT;             -- YYYY-MM-DD, ATL and husligt arbete
ALTER TABLE assistants ADD COLUMN period_months INTEGER CHECK (period_months BETWEEN 1 AND 4);
ALTER TABLE assistants ADD COLUMN allow_24h_shifts INTEGER NOT NULL DEFAULT 0 CHECK (allow_24h_shifts IN (0, 1));
ALTER TABLE assistants ADD COLUMN collective_agreement INTEGER NOT NULL DEFAULT 1 CHECK (collective_agreement IN (0, 1));

ALTER TABLE assignments ADD COLUMN fk_notified_on TEXT;          -- date of the 3066 / E-IOA notice
ALTER TABLE assignments ADD COLUMN relative INTEGER NOT NULL DEFAULT 0 CHECK (relative IN (0, 1));

CREATE TABLE decisions (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    recipient_id        INTEGER NOT NULL REFERENCES recipients(id),
    funder              TEXT NOT NULL CHECK (funder IN ('sfb', 'lss')),
    granted_per         TEXT NOT NULL CHECK (granted_per IN ('week', 'month', 'period')),
    granted_minutes     INTEGER NOT NULL CHECK (granted_minutes >= 0),
    valid_from          TEXT NOT NULL,
    valid_to            TEXT NOT NULL,
    vantetid_allowed    INTEGER NOT NULL DEFAULT 0 CHECK (vantetid_allowed IN (0, 1)),
    beredskap_allowed   INTEGER NOT NULL DEFAULT 0 CHECK (beredskap_allowed IN (0, 1)),
    double_assistance   INTEGER NOT NULL DEFAULT 0 CHECK (double_assistance IN (0, 1)),
    raised_rate         TEXT                                  -- decimal kronor, NULL = standard
);
CREATE INDEX decisions_by_recipient ON decisions (tenant_id, recipient_id);

CREATE TABLE absences (
    id                  INTEGER PRIMARY KEY,
    tenant_id           INTEGER NOT NULL REFERENCES tenants(id),
    recipient_id        INTEGER NOT NULL REFERENCES recipients(id),
    kind                TEXT NOT NULL CHECK (kind IN ('hospital', 'school', 'daily_activity', 'childcare')),
    from_date           TEXT NOT NULL,
    to_date             TEXT NOT NULL,
    assistance_allowed  INTEGER NOT NULL DEFAULT 0 CHECK (assistance_allowed IN (0, 1))
);
CREATE INDEX absences_by_recipient ON absences (tenant_id, recipient_id);

-- The user's explicit choice for a time in the repeated autumn hour (NULL when none was needed).
ALTER TABLE time_rows ADD COLUMN dst_fold TEXT CHECK (dst_fold IN ('summer', 'winter'));
