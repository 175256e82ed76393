/*
 * Waymark's enactor protocol (DESIGN.md), abstracted for Spin.
 *
 * Plan store: history stored[g] for g = 1..NP, the latest pointer, publish is a compare-and-set on
 * the latest generation. Record store: per endpoint e, records rec[e] (materialised: a copy of the
 * record set of the plan the stamp names) and stamp[e] (the generation; the plan hash is a function
 * of the generation here), written together by applyIfNewer, an atomic compare-and-set:
 *   stored stamp >= new generation   -> SUPERSEDED (nothing written)
 *   stored stamp != expected         -> CONFLICT   (nothing written; re-read, bounded)
 *   else                             -> APPLIED    (records and stamp replaced together)
 * The store may also fail (FAULTS in total): either nothing is written, or the write lands and the
 * answer is lost (outcome unknown). Either way the enactor leaves the endpoint to its next tick.
 *
 * Enactor tick: read latest L, then (separately, so clean-up can run in between) read L's body; for
 * each endpoint (order differs per enactor) read its stamp s; skip if s >= L, else applyIfNewer(e,
 * s, L). Every step is a separate atomic action, so any enactor can stall anywhere between read and
 * write for any number of other steps: the stale-check race of October 2025 is in the state space.
 * After each tick the enactor runs history clean-up: it reads the latest generation and the stamps,
 * and deletes plans older than both the minimum served generation and the newest K.
 *
 * Must hold: never_empty (I1+I3), monotonic (I2), no_live_delete (I4), and -- without a claim --
 * no assertion violation and no invalid end state; the final assertion checks convergence (L1):
 * once every enactor has stopped, every endpoint serves the newest plan.
 */
#ifndef NE
#define NE 3       /* enactors */
#endif
#ifndef NP
#define NP 6       /* plans: generations 1..NP */
#endif
#ifndef NEP
#define NEP 1      /* endpoints (1 or 2) */
#endif
#ifndef K
#define K 2        /* retention: the newest K plans are always kept */
#endif
#ifndef NC
#define NC 1       /* history cleaners */
#endif
#ifndef RETRIES
#define RETRIES 1  /* re-reads after a CONFLICT within one tick */
#endif
#ifndef FAULTS
#define FAULTS 0   /* store failures in the whole run */
#endif

byte latest = 0;        /* plan store: latest generation */
bool stored[NP + 1];    /* plan store: history */
bool deleted[NP + 1];   /* ghost: plan g was deleted */
byte stamp[NEP];        /* record store: generation of the plan each endpoint serves (0 = never written) */
byte rec[NEP];          /* record store: which plan's record set each endpoint's records are a copy of */
byte hi[NEP];           /* ghost: highest generation each endpoint ever served */
bit fresh[NE * NEP];    /* enactor has read endpoint's stamp and nobody wrote it since (see WRITE) */
byte faults = FAULTS;   /* fault budget */
byte stopped = 0;       /* enactors that finished */

/* The properties are written out per endpoint; the model has one or two endpoints. */
#if NEP == 1
#define SERVED_OK   (stamp[0] == 0 || rec[0] == stamp[0])
#define NEVER_LOWER (stamp[0] >= hi[0])
#define NONE_DELETED (!deleted[stamp[0]])
#else
#define SERVED_OK   ((stamp[0] == 0 || rec[0] == stamp[0]) && (stamp[1] == 0 || rec[1] == stamp[1]))
#define NEVER_LOWER (stamp[0] >= hi[0] && stamp[1] >= hi[1])
#define NONE_DELETED (!deleted[stamp[0]] && !deleted[stamp[1]])
#endif

/* I1 + I3: a served endpoint has records, and they are the record set of the plan its stamp names. */
ltl never_empty { [] SERVED_OK }
/* I2: the served generation never decreases (a stale plan never overwrites a newer one). */
ltl monotonic { [] NEVER_LOWER }
/* I4: no plan that a stamp names is ever deleted. */
ltl no_live_delete { [] NONE_DELETED }
/* All three in one claim: one exhaustive pass for the large configuration. */
ltl invariants { [] (SERVED_OK && NEVER_LOWER && NONE_DELETED) }

active proctype Planner() {
    byte seen;
    do
    :: latest < NP ->
       seen = latest;                     /* read the latest generation ... */
       atomic {                           /* ... publish seen+1 only if it is still the latest */
           if
           :: latest == seen -> assert(!stored[seen + 1]); stored[seen + 1] = 1; latest = seen + 1
           :: else -> skip                /* Conflict: someone else published; re-read */
           fi
       }
    :: else -> break
    od
}

/*
 * The expected stamp of a compare-and-set is kept as "unchanged since this enactor read it"
 * (fresh[enactor * NEP + endpoint]), cleared by every write to the endpoint. That is the same as
 * comparing values because every write strictly raises the stamp -- asserted at each write below,
 * so the first write that would break the equivalence is itself reported. Keeping one bit instead of
 * the value keeps the state space small enough to be exhaustive for 3 enactors and 6 plans.
 */
#define WRITE(e) \
    assert(L > stamp[e]); stamp[e] = L; rec[e] = L; hi[e] = L; \
    j = 0; do :: j < NE -> fresh[j * NEP + (e)] = 0; j++ :: else -> break od; j = 0

/* The endpoint an enactor handles i-th: the order differs per enactor (DESIGN.md: shuffled). */
#define EP(i) (((i) + id) % NEP)

/*
 * Only steps that touch shared state are interleaving points: local bookkeeping rides along with the
 * shared read or write next to it (keeps the state space exhaustive and small). Skipping an endpoint
 * whose stamp is already >= L writes nothing, so those reads are grouped into one step.
 */
proctype Enactor(byte id) {
    byte L = 0;      /* the plan of the current tick */
    byte i = 0;      /* endpoints handled in this tick */
    bit r = 0;       /* re-reads used on EP(i) */
    byte j = 0;      /* scratch */
    bit left = 0;    /* some endpoint was left to the next tick */
tick:
    atomic {
        L = latest; left = 0; i = 0;
        if
        :: !stored[L] -> left = 1; i = NEP    /* L was deleted before we read its body: next tick */
        :: else
        fi
    }
endpoint:
    atomic {                                 /* read stamps; skip endpoints already at >= L */
        do
        :: i < NEP && stamp[EP(i)] >= L -> i++
        :: i < NEP && stamp[EP(i)] < L -> fresh[id * NEP + EP(i)] = 1; break   /* expected = this stamp */
        :: i == NEP -> break
        od;
        if
        :: i == NEP && L == NP && !left -> goto stop     /* the newest plan is served everywhere */
        :: i == NEP -> L = 0; i = 0; goto tick
        :: else
        fi
    }
    /* ... any number of steps of everybody else may happen here: the enactor stalled ... */
    atomic {                                 /* applyIfNewer(EP(i), expected = s, next = L, records of L) */
        if
        :: faults > 0 -> faults--; left = 1; i++; r = 0                   /* store unavailable: nothing written */
        :: faults > 0 -> faults--; left = 1;                              /* written, but the answer was lost */
           if
           :: stamp[EP(i)] >= L || !fresh[id * NEP + EP(i)] -> skip
           :: else -> WRITE(EP(i))
           fi;
           i++; r = 0
        :: true ->
           if
#ifdef ONE_TIME_CHECK
           /* Mutant for the test suite: the public "fixed" model's write, checked once at read time,
            * unconditional at write time. Spin must find a monotonic counterexample for it. */
           :: true -> stamp[EP(i)] = L; rec[EP(i)] = L; hi[EP(i)] = (hi[EP(i)] > L -> hi[EP(i)] : L); i++; r = 0
#else
           :: stamp[EP(i)] >= L -> i++; r = 0                           /* SUPERSEDED */
           :: stamp[EP(i)] < L && !fresh[id * NEP + EP(i)] ->            /* CONFLICT: re-read, bounded */
              if
              :: r < RETRIES -> r++
              :: else -> left = 1; i++; r = 0
              fi
           :: else -> WRITE(EP(i)); i++; r = 0                          /* APPLIED */
#endif
           fi
        fi;
        fresh[id * NEP + 0] = 0; fresh[id * NEP + 1 % NEP] = 0;  /* forget the expected stamps */
        goto endpoint
    };
stop:
    stopped++
}

/*
 * History clean-up, running concurrently with everything else (it is safe to run from many places:
 * NC cleaners). A pass reads the latest generation and the minimum served generation in one step,
 * then -- possibly much later -- deletes every plan older than both (stale reads are harmless
 * because stamps only grow, which is what the model checks).
 */
proctype Cleaner() {
    byte m = 0, g = 0;
    do
    :: atomic { stopped == NE -> break }
    :: atomic {
           stopped < NE;
           m = stamp[0];
           g = 1;
           do
           :: g < NEP -> if :: stamp[g] < m -> m = stamp[g] :: else fi; g++
           :: else -> break
           od;
           if
           :: latest + 1 < m + K ->            /* keep the newest K: delete only g <= latest - K */
              if
              :: latest + 1 >= K -> m = latest + 1 - K
              :: else -> m = 0
              fi
           :: else
           fi;
           g = 0
       }
       d_step {
           g = 1;
           do
           :: g < m -> if :: stored[g] -> assert(g != latest); stored[g] = 0; deleted[g] = 1 :: else fi; g++
           :: else -> break
           od;
           g = 0; m = 0
       }
    od
}

/* L1 in the finite model: when every enactor has stopped, every endpoint serves the newest plan. */
proctype Converged() {
    byte i;
    stopped == NE;
    i = 0;
    do
    :: i < NEP -> assert(stamp[i] == NP && rec[i] == NP && stored[NP]); i++
    :: else -> break
    od
}

init {
    atomic {
        byte j = 0;
        do
        :: j < NE -> run Enactor(j); j++
        :: else -> break
        od;
        j = 0;
        do
        :: j < NC -> run Cleaner(); j++
        :: else -> break
        od;
        run Converged()
    }
}
