// SPDX-License-Identifier: GPL-2.0
/*
 * KUnit suite vaccel_slots: slot accounting of a card.
 *
 * Sequences of creations and removals across the three instance sizes,
 * with the slot each creation must get (or its refusal) and the
 * available_instances of every type after each step; plus an exhaustive
 * check that "available" is exact for every occupancy of a card.
 */

#include <kunit/test.h>
#include <linux/bitops.h>
#include <linux/module.h>

#include "vaccel_hw.h"
#include "slots.h"

#define MAX_STEPS	12

/*
 * One step: create an instance of @count slots (@count = 4, 2 or 1), or,
 * when @remove is set, remove the instance that step @ref created.  After
 * the step, @avail gives available_instances of accel-1of1, accel-1of2 and
 * accel-1of4.
 */
struct slots_step {
	bool remove;
	unsigned int count;
	unsigned int ref;
	int expect;
	unsigned int avail[3];
};

#define NEW(n, first, a1, a2, a4) \
	{ .count = (n), .expect = (first), .avail = { a1, a2, a4 } }
#define DEL(step, a1, a2, a4) \
	{ .remove = true, .ref = (step), .avail = { a1, a2, a4 } }

struct slots_case {
	const char *desc;
	unsigned int nr_steps;
	struct slots_step steps[MAX_STEPS];
};

#define CASE(d, ...) {							\
	.desc = (d),							\
	.nr_steps = ARRAY_SIZE(((struct slots_step[]){ __VA_ARGS__ })),	\
	.steps = { __VA_ARGS__ },					\
}

static const struct slots_case slots_cases[] = {
	CASE("one 1of2 leaves one half and two quarters",
	     NEW(2, 0, 0, 1, 2),
	     NEW(1, 2, 0, 0, 1),
	     NEW(1, 3, 0, 0, 0),
	     NEW(1, -ENOSPC, 0, 0, 0),
	     NEW(2, -ENOSPC, 0, 0, 0),
	     NEW(4, -ENOSPC, 0, 0, 0)),
	CASE("1of1 takes the whole card until removed",
	     NEW(4, 0, 0, 0, 0),
	     NEW(1, -ENOSPC, 0, 0, 0),
	     NEW(2, -ENOSPC, 0, 0, 0),
	     NEW(4, -ENOSPC, 0, 0, 0),
	     DEL(0, 1, 2, 4),
	     NEW(4, 0, 0, 0, 0)),
	CASE("quarters fill a broken half before a free one",
	     NEW(1, 0, 0, 1, 3),
	     NEW(1, 1, 0, 1, 2),
	     NEW(2, 2, 0, 0, 0),
	     NEW(2, -ENOSPC, 0, 0, 0)),
	CASE("a quarter goes beside a half",
	     NEW(2, 0, 0, 1, 2),
	     NEW(1, 2, 0, 0, 1),
	     DEL(0, 0, 1, 3),
	     NEW(1, 3, 0, 1, 2),
	     NEW(2, 0, 0, 0, 0)),
	CASE("removing a middle quarter: the hole is refilled first",
	     NEW(1, 0, 0, 1, 3),
	     NEW(1, 1, 0, 1, 2),
	     NEW(1, 2, 0, 0, 1),
	     DEL(1, 0, 0, 2),
	     NEW(2, -ENOSPC, 0, 0, 2),
	     NEW(1, 1, 0, 0, 1),
	     NEW(1, 3, 0, 0, 0)),
	CASE("two halves, then quarters in a freed half",
	     NEW(2, 0, 0, 1, 2),
	     NEW(2, 2, 0, 0, 0),
	     DEL(0, 0, 1, 2),
	     NEW(1, 0, 0, 0, 1),
	     NEW(1, 1, 0, 0, 0),
	     DEL(1, 0, 1, 2),
	     NEW(2, 2, 0, 0, 0)),
	CASE("removing everything gives the whole card back",
	     NEW(1, 0, 0, 1, 3),
	     NEW(2, 2, 0, 0, 1),
	     NEW(1, 1, 0, 0, 0),
	     DEL(1, 0, 1, 2),
	     DEL(0, 0, 1, 3),
	     DEL(2, 1, 2, 4),
	     NEW(4, 0, 0, 0, 0)),
};

static void slots_case_desc(const struct slots_case *c, char *desc)
{
	strscpy(desc, c->desc, KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(slots_seq, slots_cases, slots_case_desc);

static void vaccel_slots_test_sequence(struct kunit *test)
{
	const struct slots_case *c = test->param_value;
	static const unsigned int sizes[3] = { 4, 2, 1 };
	struct vaccel_slots s = { };
	int got[MAX_STEPS];
	unsigned int i, t;

	for (i = 0; i < c->nr_steps; i++) {
		const struct slots_step *st = &c->steps[i];

		got[i] = -EINVAL;
		if (st->remove) {
			const struct slots_step *ref = &c->steps[st->ref];

			KUNIT_ASSERT_LT(test, st->ref, i);
			KUNIT_ASSERT_GE(test, got[st->ref], 0);
			vaccel_slots_free(&s, got[st->ref], ref->count);
		} else {
			got[i] = vaccel_slots_alloc(&s, st->count);
			KUNIT_EXPECT_EQ_MSG(test, got[i], st->expect,
					    "step %u: create of %u slots", i,
					    st->count);
		}
		for (t = 0; t < 3; t++)
			KUNIT_EXPECT_EQ_MSG(test,
					    vaccel_slots_available(&s, sizes[t]),
					    st->avail[t],
					    "step %u: available 1of%u", i,
					    VACCEL_CARD_SLOTS / sizes[t]);
	}
}

/* Sizes no type has are refused and never available. */
static void vaccel_slots_test_bad_count(struct kunit *test)
{
	static const unsigned int bad[] = { 0, 3, 5, 8, 1024 };
	struct vaccel_slots s = { };
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		KUNIT_EXPECT_FALSE(test, vaccel_slots_valid_count(bad[i]));
		KUNIT_EXPECT_EQ(test, vaccel_slots_alloc(&s, bad[i]), -EINVAL);
		KUNIT_EXPECT_EQ(test, vaccel_slots_available(&s, bad[i]), 0U);
	}
	KUNIT_EXPECT_EQ(test, s.map, 0UL);
}

/*
 * For every occupancy a card can have and every size: exactly "available"
 * creations in a row succeed, each at an aligned run that was free, and the
 * next one fails with -ENOSPC without changing anything.
 */
static void vaccel_slots_test_available_is_exact(struct kunit *test)
{
	static const unsigned int sizes[3] = { 4, 2, 1 };
	unsigned long map, before;
	unsigned int t, k, avail;
	int first;

	for (map = 0; map < BIT(VACCEL_CARD_SLOTS); map++) {
		for (t = 0; t < 3; t++) {
			struct vaccel_slots s = { .map = map };
			unsigned int n = sizes[t];

			avail = vaccel_slots_available(&s, n);
			for (k = 0; k < avail; k++) {
				before = s.map;
				first = vaccel_slots_alloc(&s, n);
				KUNIT_ASSERT_GE_MSG(test, first, 0,
						    "map %#lx size %u: creation %u of %u",
						    map, n, k + 1, avail);
				KUNIT_EXPECT_EQ(test, first % n, 0U);
				KUNIT_EXPECT_EQ(test,
						before & GENMASK(first + n - 1, first),
						0UL);
				KUNIT_EXPECT_EQ(test, hweight_long(s.map),
						hweight_long(before) + n);
			}
			before = s.map;
			KUNIT_EXPECT_EQ_MSG(test, vaccel_slots_alloc(&s, n),
					    -ENOSPC, "map %#lx size %u", map, n);
			KUNIT_EXPECT_EQ(test, s.map, before);
		}
	}
}

static struct kunit_case vaccel_slots_cases[] = {
	KUNIT_CASE_PARAM(vaccel_slots_test_sequence, slots_seq_gen_params),
	KUNIT_CASE(vaccel_slots_test_bad_count),
	KUNIT_CASE(vaccel_slots_test_available_is_exact),
	{ }
};

static struct kunit_suite vaccel_slots_suite = {
	.name = "vaccel_slots",
	.test_cases = vaccel_slots_cases,
};

kunit_test_suite(vaccel_slots_suite);

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);
