//! The vocabulary articles are written from: topics with their words and tags, and the
//! everyday words, names and phrases around them.

/// A subject area: its vocabulary (so "More articles" has signal) and its five tags.
pub struct Topic {
    pub title: &'static str,
    pub words: &'static [&'static str],
    pub tags: &'static [&'static str],
}

pub const LANGUAGES: &[&str] = &["rust", "python", "javascript", "sql", "yaml", "bash"];

#[rustfmt::skip]
pub const TOPICS: &[Topic] = &[
    Topic {
        title: "Databases",
        words: &[
            "postgres", "index", "vacuum", "query", "planner", "replica", "transaction", "lock",
            "schema", "migration", "row", "table", "partition", "wal", "checkpoint", "tuple",
            "join", "sequence", "constraint", "isolation", "deadlock", "snapshot", "btree",
            "statistics", "bloat", "autovacuum", "cursor", "trigger", "extension", "toast",
        ],
        tags: &["databases", "postgres", "sql", "migrations", "indexing"],
    },
    Topic {
        title: "Reliability",
        words: &[
            "timeout", "retry", "budget", "backoff", "jitter", "circuit", "breaker", "outage",
            "incident", "failover", "redundancy", "slo", "latency", "availability", "shedding",
            "overload", "capacity", "headroom", "dependency", "cascade", "recovery", "drill",
            "runbook", "pager", "escalation", "fallback", "bulkhead", "quorum", "heartbeat",
            "degradation",
        ],
        tags: &["reliability", "resilience", "slos", "incidents", "timeouts"],
    },
    Topic {
        title: "API Design",
        words: &[
            "endpoint", "pagination", "idempotency", "version", "contract", "request", "response",
            "header", "status", "client", "payload", "webhook", "token", "resource", "field",
            "deprecation", "compatibility", "openapi", "grpc", "graphql", "etag", "gateway",
            "consumer", "sdk", "query", "filter", "mutation", "envelope", "hypermedia", "quota",
        ],
        tags: &["api-design", "http", "grpc", "idempotency", "versioning"],
    },
    Topic {
        title: "Messaging",
        words: &[
            "queue", "broker", "consumer", "producer", "offset", "backpressure", "message", "topic",
            "kafka", "rabbitmq", "deadletter", "ordering", "delivery", "acknowledgement", "batch",
            "throughput", "lag", "replay", "duplicate", "outbox", "event", "stream", "subscriber",
            "retention", "compaction", "fanout", "saga", "inbox", "poison", "rebalance",
        ],
        tags: &["queues", "kafka", "events", "messaging", "streaming"],
    },
    Topic {
        title: "Observability",
        words: &[
            "metric", "trace", "span", "log", "dashboard", "alert", "histogram", "percentile",
            "cardinality", "label", "sampling", "exporter", "collector", "prometheus", "grafana",
            "opentelemetry", "signal", "noise", "symptom", "burn", "heatmap", "exemplar",
            "aggregation", "panel", "anomaly", "baseline", "saturation", "profile", "flamegraph",
            "scrape",
        ],
        tags: &["observability", "monitoring", "tracing", "alerting", "metrics"],
    },
    Topic {
        title: "Security",
        words: &[
            "secret", "credential", "rotation", "vault", "encryption", "certificate", "tls", "key",
            "permission", "role", "policy", "audit", "vulnerability", "patch", "supply", "chain",
            "signature", "session", "csrf", "injection", "sanitizer", "boundary", "privilege",
            "threat", "attacker", "mitigation", "sandbox", "nonce", "hash", "allowlist",
        ],
        tags: &["security", "secrets", "tls", "auth", "compliance"],
    },
    Topic {
        title: "Infrastructure",
        words: &[
            "kubernetes", "pod", "node", "cluster", "container", "image", "deployment", "rollout",
            "autoscaler", "terraform", "module", "state", "drift", "region", "zone", "network",
            "balancer", "ingress", "dns", "volume", "scheduler", "manifest", "helm", "registry",
            "canary", "provisioning", "sidecar", "daemonset", "namespace", "taint",
        ],
        tags: &["kubernetes", "infrastructure", "terraform", "deployments", "cloud"],
    },
    Topic {
        title: "Testing",
        words: &[
            "test", "fixture", "mock", "stub", "assertion", "coverage", "property", "fuzzing",
            "flaky", "suite", "integration", "snapshot", "regression", "harness", "oracle", "seed",
            "determinism", "parallel", "runner", "golden", "failure", "reproduction", "bisect",
            "pipeline", "tolerance", "shrinking", "generator", "contract", "sandbox", "timeout",
        ],
        tags: &["testing", "ci", "quality", "fuzzing", "test-design"],
    },
    Topic {
        title: "Data Pipelines",
        words: &[
            "pipeline", "warehouse", "etl", "transform", "parquet", "column", "backfill", "lineage",
            "orchestration", "airflow", "dbt", "job", "watermark", "window", "aggregate", "dedupe",
            "freshness", "quality", "ingestion", "lake", "catalog", "incremental", "merge", "spark",
            "partition", "schema", "extract", "cdc", "sink", "checkpoint",
        ],
        tags: &["data", "pipelines", "etl", "analytics", "warehousing"],
    },
    Topic {
        title: "Consulting",
        words: &[
            "engagement", "client", "stakeholder", "roadmap", "estimate", "scope", "handover",
            "onboarding", "review", "decision", "record", "postmortem", "ownership", "oncall",
            "meeting", "priority", "tradeoff", "risk", "milestone", "retrospective", "mentoring",
            "documentation", "proposal", "deadline", "alignment", "workshop", "interview", "hiring",
            "contract", "invoice",
        ],
        tags: &["consulting", "process", "teams", "leadership", "engagements"],
    },
];

#[rustfmt::skip]
pub(super) const GENERAL_NOUNS: &[&str] = &[
    "system", "team", "service", "change", "production", "week", "problem", "approach", "cost",
    "design", "behaviour", "number", "rule", "step", "limit", "release", "customer", "default",
    "budget", "process", "error", "engineer", "plan", "setting", "library", "platform",
];

#[rustfmt::skip]
pub(super) const VERBS: &[(&str, &str)] = &[
    ("measure", "measures"), ("reduce", "reduces"), ("check", "checks"), ("avoid", "avoids"),
    ("split", "splits"), ("handle", "handles"), ("move", "moves"), ("keep", "keeps"),
    ("ship", "ships"), ("debug", "debugs"), ("replace", "replaces"), ("tune", "tunes"),
    ("document", "documents"), ("monitor", "monitors"), ("rewrite", "rewrites"),
    ("trace", "traces"), ("compare", "compares"), ("limit", "limits"), ("hide", "hides"),
    ("break", "breaks"),
];

#[rustfmt::skip]
pub(super) const ADJECTIVES: &[&str] = &[
    "slow", "hidden", "expensive", "boring", "fragile", "predictable", "noisy", "shared", "stale",
    "unbounded", "critical", "cheap", "implicit", "explicit", "partial", "idle", "busy", "new",
];

pub(super) const OPENERS: &[&str] = &[
    "",
    "",
    "",
    "in practice,",
    "most of the time,",
    "on one engagement,",
    "under load,",
    "after the incident,",
    "in our experience,",
    "at first,",
    "by the second week,",
];

pub(super) const TAILS: &[&str] = &[
    "long before anyone notices",
    "under real traffic",
    "at the worst possible moment",
    "without a second thought",
    "in every environment we checked",
    "once the numbers are in",
    "for a few milliseconds",
    "when the team is already stretched",
];

pub(super) const EXTERNAL_HOSTS: &[&str] = &[
    "example.com",
    "docs.example.org",
    "blog.example.net",
    "research.example.edu",
];

#[rustfmt::skip]
pub(super) const FIRST_NAMES: &[&str] = &[
    "Ada", "Bruno", "Chiara", "Dmitri", "Elif", "Farah", "Goran", "Hana", "Ivo", "Jana", "Kofi",
    "Lena", "Mateo", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Sven", "Tariq", "Uma", "Viktor",
    "Wen", "Yusuf", "Zofia",
];

#[rustfmt::skip]
pub(super) const LAST_NAMES: &[&str] = &[
    "Almeida", "Berg", "Costa", "Dahl", "Eriksen", "Fontaine", "Garcia", "Haddad", "Ivanova",
    "Jansen", "Kowalski", "Lindgren", "Moreau", "Novak", "Okafor", "Petrov", "Quist", "Rossi",
    "Sato", "Tanaka", "Usman", "Varga", "Weber", "Yilmaz", "Zhang",
];

pub(super) const ROLES: &[&str] = &[
    "Principal Engineer",
    "Staff Engineer",
    "Senior Engineer",
    "Engineer",
    "Engagement Lead",
    "Architect",
];
