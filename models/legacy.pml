/*
 * The enactor protocol as it was before October 2025 (INCIDENT.md), abstracted for Spin.
 *
 * One regional endpoint. DNS holds, per plan g, a record tree (leaves + one weighted record per plan
 * version) -- tree[g]; a stable alias from the endpoint to the live plan's tree; a rollback record
 * pointing at the previous plan's tree; and a per-endpoint lock record.
 *
 * Enactors: read the newest plan p; check ONCE that p is newer than what the alias points at; then
 * take the lock (delete-then-create, retried with backoff -- an arbitrary delay, which Spin's
 * interleaving already covers); in one transaction create p's tree, move the rollback record to the
 * tree being replaced and point the alias at p; release the lock; then delete the trees of plans
 * more than K generations older than p ("significantly older"), whatever the alias points at.
 * The transaction must reference the tree it replaces; if that tree is gone the batch is rejected
 * and the enactor code could not handle it: it stops (stuck), so no later plan is ever applied.
 *
 * Expected: counterexamples to never_empty and no_live_delete (the October 2025 race), and to
 * eventually_latest (nobody can apply the newest plan any more).
 */
#ifndef NE
#define NE 3   /* enactors, one per zone */
#endif
#ifndef NP
#define NP 6   /* plans the planner publishes: generations 1..NP */
#endif
#ifndef K
#define K 2    /* clean-up deletes plans g with g + K < applied: "several generations older" */
#endif

byte latest = 0;       /* plan store: newest published generation */
bool tree[NP + 1];     /* DNS: record tree of plan g exists */
bool deleted[NP + 1];  /* ghost: plan g's tree was deleted by clean-up */
byte alias = 0;        /* DNS: endpoint alias -> live plan's tree (0 = never set) */
byte rollback = 0;     /* DNS: rollback record -> previous plan's tree */
byte lock = 0;         /* DNS: per-endpoint lock record, 0 = free, else holder id */
byte stuck = 0;        /* enactors that hit the missing rollback target */
byte quiet = 0;

/* I1: the alias resolves to a tree that exists (else NOERROR with no addresses). */
ltl never_empty { [] (alias == 0 || tree[alias]) }
/* I4: the plan the endpoint serves is never deleted. */
ltl no_live_delete { [] (!deleted[alias]) }
/* L1/L2 in the finite model: every run ends with the newest plan served. */
ltl eventually_latest { <> (alias == NP) }

active proctype Planner() {
    do
    :: latest < NP -> d_step { latest++ }
    :: else -> break
    od
}

proctype Enactor(byte id) {
    byte p, g;
    do
    :: p = latest;
       if
       :: p > alias ->                    /* the one-time freshness check */
          atomic { lock == 0 -> lock = id }   /* lock record, after any number of backoffs */
          atomic {
              if
              :: alias != 0 && !tree[alias] -> stuck++; lock = 0; goto halted
              :: else -> tree[p] = 1; rollback = alias; alias = p
              fi
          }
          lock = 0;
          g = 1;                          /* clean-up of plans "significantly older" than p */
          do
          :: g + K < p -> d_step { if :: tree[g] -> tree[g] = 0; deleted[g] = 1 :: else fi }; g++
          :: else -> break
          od
       :: else -> skip
       fi
    :: p == NP && alias == NP -> break    /* nothing left to do */
    od;
    quiet++;
    goto finished;
halted:
    false;                                /* the enactor code cannot proceed: stuck for good */
finished:
    skip
}

init {
    atomic {
        byte i = 1;
        do
        :: i <= NE -> run Enactor(i); i++
        :: else -> break
        od
    }
}
