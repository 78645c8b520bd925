// Fuzzing the form actions (issue #8, item 4): every form route, each intent, posted by a
// signed-in user who may use the form, with hostile bodies (tests/fuzz/hostile.ts). Properties:
//   - never a 500: the action returns or throws a Response, nothing else escapes;
//   - a refusal names its fields (conform's result.error, the report page's errors) and leaves
//     the database as it was (row counts and a checksum of every table);
//   - what is accepted is stored as sent (no HTML interpretation, no silent truncation).
// Prints the figure in afterAll. FUZZ_SEED=<n> reruns with another seed; FUZZ_RUNS=<n> scales runs.
import fc from 'fast-check'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { INDICATOR_CODES } from '#app/components/indicators.tsx'
import { NEED_CATEGORIES, URGENCIES } from '#app/models/marketplace-vocab.ts'
import { createApiToken } from '#app/models/api-token.server.ts'
import { acceptCommitment, addMilestone, confirmDelivery, createCommitment, postCommitmentUpdate, startDelivery, verifyCommitment } from '#app/models/commitment.server.ts'
import { createNeed, getNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { chinaDayStart, chinaYearOf, formatChinaDate } from '#app/utils/china-date.ts'
import { actorFor, makeAccount, makeOfficial, makeOrg, makeUscc, seedRegions, TEST_PASSWORD } from '#tests/factories.ts'
import { useGlobalTestDb } from '#tests/setup/route.ts'
import { action as appraisalAction } from '#app/routes/appraisals.$subjectType.$subjectId.tsx'
import { action as commendationAction } from '#app/routes/commendations.new.tsx'
import { action as commitmentAction } from '#app/routes/commitments.$commitmentId.tsx'
import { action as pledgeAction } from '#app/routes/commitments.new.tsx'
import { action as dashboardAction } from '#app/routes/dashboard._index.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as editNeedAction } from '#app/routes/needs.$needId_.edit.tsx'
import { action as newNeedAction } from '#app/routes/needs.new.tsx'
import { action as newOfferAction } from '#app/routes/offers.new.tsx'
import { action as newOrgAction } from '#app/routes/orgs.new.tsx'
import { action as newProjectAction } from '#app/routes/projects.new.tsx'
import { action as reportAction } from '#app/routes/reports.$subjectType.$subjectId.tsx'
import { action as settingsAction } from '#app/routes/settings.tsx'
import { action as signupAction } from '#app/routes/signup.tsx'
import { action as accountabilityAction } from '#app/routes/supervision.accountability._index.tsx'
import { action as interviewAction } from '#app/routes/supervision.interviews._index.tsx'
import {
	FUZZ_SEED,
	type FormEntries,
	acceptableText,
	applyMutations,
	empty,
	hostileShort,
	huge,
	mutations,
	seedFor,
	sqlLike,
	tooLong,
	whitespace,
} from './hostile.ts'
import { type Encoding, asStored, changedTables, errorsOf, expectSame, fieldNames, fmt, formRequest, runAction, snapshot, tally, count, fcOptions } from './harness.ts'

const ctx = useGlobalTestDb()
const SCALE = Number(process.env.FUZZ_RUNS ?? 1)
const RUNS = Math.max(1, Math.round(40 * SCALE))
const INVALID_RUNS = Math.max(1, Math.round(20 * SCALE))

const DAY = 86_400_000
const dateIn = (days: number) => formatChinaDate(chinaDayStart(Date.now()) + days * DAY)
const YEAR = chinaYearOf(Date.now())
const COUNTY = '513431000000'
const VILLAGE = '513431100201'

let n = 0
const uniq = () => `${Date.now().toString(36)}${(n++).toString(36)}`

const W = {} as {
	newbie: string
	vOwner: string
	villageA: string
	pOwner: string
	provider: string
	eOwner: string
	enterprise: string
	official: string
	draftNeed: string
	pledgeNeed: string
	trackNeed: string
	password: string
	settingsUser: string
	tokenId: string
	commitments: Record<string, string>
}

async function publishedNeed(title: string) {
	const v = await actorFor(ctx.db, W.vOwner)
	const { id } = await createNeed(ctx.db, W.villageA, { title, description: '', category: 'industry', measure: 'amount', amount: '1000000000', beneficiaries: '50', urgency: 'high', neededBy: dateIn(90) }, v)
	await submitNeed(ctx.db, id, v)
	await reviewNeed(ctx.db, id, { decision: 'publish' }, await actorFor(ctx.db, W.official))
	return id
}

type Stage = 'pledged' | 'accepted' | 'in_delivery' | 'reported' | 'delivered' | 'verified'
/** A ¥1 commitment to the tracking need, walked to `stage` through the model. */
async function commitmentAt(stage: Stage): Promise<string> {
	const p = await actorFor(ctx.db, W.pOwner)
	const v = await actorFor(ctx.db, W.vOwner)
	const { id } = await createCommitment(ctx.db, W.trackNeed, { providerOrgId: W.provider, amount: '1', dueAt: dateIn(20), message: '' }, p)
	if (stage === 'pledged') return id
	await acceptCommitment(ctx.db, id, v)
	if (stage === 'accepted') return id
	await startDelivery(ctx.db, id, p)
	if (stage === 'in_delivery') return id
	if (stage === 'reported') {
		await addMilestone(ctx.db, id, { title: '第一批', dueAt: dateIn(5), share: '50' }, p)
		const m = await ctx.db.selectFrom('commitmentMilestone').select('id').where('commitmentId', '=', id).executeTakeFirstOrThrow()
		await postCommitmentUpdate(ctx.db, id, { body: '已送达第一批', milestoneId: m.id }, [], p)
		return id
	}
	await confirmDelivery(ctx.db, id, { deliveredAmount: '1' }, v)
	if (stage === 'delivered') return id
	await verifyCommitment(ctx.db, id, { note: '' }, await actorFor(ctx.db, W.official))
	return id
}

beforeAll(async () => {
	const db = ctx.db
	await seedRegions(db)
	W.newbie = (await makeAccount(db)).id
	W.vOwner = (await makeAccount(db)).id
	W.villageA = await makeOrg(db, 'village', { regionCode: VILLAGE, ownerId: W.vOwner, name: '三河村村民委员会' })
	W.pOwner = (await makeAccount(db)).id
	W.provider = await makeOrg(db, 'central_unit', { ownerId: W.pOwner, name: '国家帮扶单位甲' })
	W.eOwner = (await makeAccount(db)).id
	W.enterprise = await makeOrg(db, 'enterprise', { regionCode: COUNTY, ownerId: W.eOwner, name: '昭觉县兴农企业' })
	W.official = (await makeOfficial(db, COUNTY)).accountId
	W.settingsUser = (await makeAccount(db)).id
	W.password = TEST_PASSWORD
	W.draftNeed = (await createNeed(db, W.villageA, { title: '草稿需求', description: '', category: 'industry', measure: 'amount', amount: '1000', beneficiaries: '', urgency: 'normal', neededBy: dateIn(30) }, await actorFor(db, W.vOwner))).id
	W.pledgeNeed = await publishedNeed('认领用需求')
	W.trackNeed = await publishedNeed('流程用需求')
	W.tokenId = (await createApiToken(db, W.settingsUser, { name: 'fuzz', scope: 'read', expiresInDays: 30 })).id
	W.commitments = {}
	for (const [intent, stage] of Object.entries(STAGE_OF)) W.commitments[intent] = await commitmentAt(stage)
}, 120_000)

afterAll(() => {
	console.log(
		`[fuzz] forms: ${new Set([...tally.targets].map((t) => t.replace(/\[.*$/, ''))).size} routes / ${tally.targets.size} actions (intents), ${fmt(tally.cases)} cases (${fmt(tally.accepted)} accepted, ${fmt(tally.refused)} refused); ${tally.serverErrors} server errors; seed ${FUZZ_SEED}`,
	)
})

// ---------------------------------------------------------------------------------------------
// One spec per form (and intent)

type Sent = Map<string, string>
type Spec = {
	name: string
	action: Parameters<typeof runAction>[0]
	as: () => string
	/** The path; form keys starting with '?' are moved into its query string. */
	url: () => string
	params?: () => Record<string, string>
	baseline: () => Record<string, string | string[]>
	/** Fields the mutations touch (defaults to the baseline's keys). */
	fields: string[]
	/** Values each field can never be accepted with; the refusal must name `key` (default: the field). */
	invalid?: Array<{ field: string; values: fc.Arbitrary<string | null>; key?: string }>
	/** After an accepted post: [label, stored, expected] for the text fields to compare. */
	stored?: (location: string | null, data: any, sent: Sent) => Promise<Array<[string, unknown, unknown]>>
	/** After an accepted post: set the world up for the next case (a fresh commitment…). */
	refresh?: (sent: Sent) => Promise<void>
	/** A refusal at 400 that may be form-level only (e.g. an unknown intent). */
	formLevelOk?: (data: any, sent: Sent) => boolean
}

const blankOrMissing = fc.oneof(empty, whitespace, fc.constant(null))
const requiredInvalid = (max: number) => fc.oneof(blankOrMissing, tooLong(max))
const optionalInvalid = (max: number) => tooLong(max)
const enumInvalid = (allowed: readonly string[]) => fc.oneof(blankOrMissing, hostileShort, sqlLike, huge).filter((v) => v === null || !allowed.includes(v.trim()))
const dateInvalid = fc.oneof(blankOrMissing, fc.constantFrom('2026-02-30', '99999-01-01', 'garbage', '2026-13-01', '2026/01/01', '２０２６-０１-０１', '1989-12-31'))
const amountInvalid = fc.oneof(blankOrMissing, fc.constantFrom('-1', '-0.5', 'NaN', 'Infinity', '1e309', '¥100', '０１２', '1.2.3', '0x10', "1' OR 1=1", '<b>1</b>', '0', '1.001', '99999999999999999'))
const wholeInvalid = fc.constantFrom('-1', 'NaN', 'Infinity', '1e309', '1.5', '¥100', '０１２', 'abc', '<b>1</b>', "1' OR 1=1", '99999999999999999999')

const idFrom = (location: string | null, prefix: string) => {
	const m = new RegExp(`^${prefix}/([^/?]+)`).exec(location ?? '')
	if (!m) throw new Error(`no id in ${location}`)
	return m[1]
}
const nl = { unixNewlines: true }

const NEED_FIELDS = ['title', 'description', 'category', 'measure', 'amount', 'quantity', 'unit', 'beneficiaries', 'urgency', 'neededBy', 'intent']
const needBaseline = () => ({ title: '村道硬化', description: '需要水泥 <b>50</b> 吨', category: 'infrastructure', measure: 'amount', amount: '5000.5', beneficiaries: '120', urgency: 'high', neededBy: dateIn(30), intent: 'save' })
const needInvalid: Spec['invalid'] = [
	{ field: 'title', values: requiredInvalid(200) },
	{ field: 'description', values: optionalInvalid(10_000) },
	{ field: 'category', values: enumInvalid(NEED_CATEGORIES) },
	{ field: 'urgency', values: enumInvalid(URGENCIES) },
	{ field: 'amount', values: amountInvalid },
	{ field: 'beneficiaries', values: fc.oneof(wholeInvalid, fc.constant('100000001')) },
	{ field: 'neededBy', values: fc.oneof(dateInvalid, fc.constant(dateIn(-1))) },
]
async function needStored(id: string, sent: Sent): Promise<Array<[string, unknown, unknown]>> {
	const need = await getNeed(ctx.db, id, await actorFor(ctx.db, W.vOwner))
	if (!need) throw new Error(`need ${id} not readable`)
	return [
		['need.title', need.title, asStored(sent.get('title') ?? '', nl)],
		['need.description', need.description, asStored(sent.get('description') ?? '', nl)],
	]
}

const STAGE_OF: Record<string, Stage> = {
	accept: 'pledged',
	decline: 'pledged',
	withdraw: 'pledged',
	start: 'accepted',
	'add-milestone': 'in_delivery',
	'confirm-milestone': 'reported',
	'post-update': 'in_delivery',
	'confirm-delivery': 'in_delivery',
	verify: 'delivered',
	dispute: 'delivered',
	feedback: 'verified',
}
const ACTOR_OF: Record<string, () => string> = {
	accept: () => W.vOwner,
	decline: () => W.vOwner,
	withdraw: () => W.pOwner,
	start: () => W.pOwner,
	'add-milestone': () => W.pOwner,
	'confirm-milestone': () => W.vOwner,
	'post-update': () => W.pOwner,
	'confirm-delivery': () => W.vOwner,
	verify: () => W.official,
	dispute: () => W.official,
	feedback: () => W.vOwner,
}
const milestoneOf = async (commitmentId: string) =>
	(await ctx.db.selectFrom('commitmentMilestone').select('id').where('commitmentId', '=', commitmentId).orderBy('id', 'desc').executeTakeFirst())?.id ?? ''
const intentBaselines: Record<string, () => Record<string, string>> = {
	accept: () => ({}),
	decline: () => ({ reason: '资金来源不明' }),
	withdraw: () => ({ reason: '预算调整' }),
	start: () => ({}),
	'add-milestone': () => ({ title: '第二批 <i>物资</i>', dueAt: dateIn(7), share: '10' }),
	'confirm-milestone': () => ({ milestoneId: '' }),
	'post-update': () => ({ body: '已发货 😀 <script>x</script>', milestoneId: '' }),
	'confirm-delivery': () => ({ deliveredAmount: '1' }),
	verify: () => ({ note: '核验无误' }),
	dispute: () => ({ reason: '数量不符' }),
	feedback: () => ({ side: 'village', rating: '5', comment: '很好 👍' }),
}
const intentInvalid: Record<string, Spec['invalid']> = {
	decline: [{ field: 'reason', values: requiredInvalid(500) }],
	withdraw: [{ field: 'reason', values: requiredInvalid(500) }],
	dispute: [{ field: 'reason', values: requiredInvalid(500) }],
	verify: [{ field: 'note', values: optionalInvalid(500) }],
	'add-milestone': [
		{ field: 'title', values: requiredInvalid(200) },
		{ field: 'dueAt', values: fc.oneof(dateInvalid, fc.constant(dateIn(-1))) },
		{ field: 'share', values: fc.oneof(blankOrMissing, wholeInvalid, fc.constantFrom('0', '101')) },
	],
	'post-update': [{ field: 'body', values: requiredInvalid(5_000) }],
	'confirm-delivery': [{ field: 'deliveredAmount', values: amountInvalid }],
	feedback: [
		{ field: 'rating', values: fc.oneof(blankOrMissing, fc.constantFrom('0', '6', '4.5', '５', '-1', 'NaN', "5' OR 1=1")) },
		{ field: 'comment', values: optionalInvalid(1_000) },
	],
	'confirm-milestone': [{ field: 'milestoneId', values: fc.oneof(blankOrMissing, tooLong(26)) }],
}
const intentStored: Record<string, (id: string, sent: Sent) => Promise<Array<[string, unknown, unknown]>>> = {
	'add-milestone': async (id, sent) => {
		const m = await ctx.db.selectFrom('commitmentMilestone').select('title').where('commitmentId', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow()
		return [['milestone.title', m.title, asStored(sent.get('title') ?? '', nl)]]
	},
	'post-update': async (id, sent) => {
		const u = await ctx.db.selectFrom('commitmentUpdate').select('body').where('commitmentId', '=', id).orderBy('id', 'desc').executeTakeFirstOrThrow()
		return [['update.body', u.body, asStored(sent.get('body') ?? '', nl)]]
	},
	feedback: async (id, sent) => {
		const f = await ctx.db.selectFrom('commitmentFeedback').select('comment').where('commitmentId', '=', id).orderBy('createdAt', 'desc').executeTakeFirstOrThrow()
		return [['feedback.comment', f.comment, asStored(sent.get('comment') ?? '', nl)]]
	},
}

const commitmentSpecs: Spec[] = Object.keys(STAGE_OF).map((intent) => ({
	name: `commitments.$id[${intent}]`,
	action: commitmentAction,
	as: ACTOR_OF[intent],
	url: () => `/commitments/${W.commitments[intent]}`,
	params: () => ({ commitmentId: W.commitments[intent] }),
	baseline: () => ({ intent, ...intentBaselines[intent]() }),
	fields: ['intent', ...Object.keys(intentBaselines[intent]()), 'side', 'milestoneId'],
	invalid: intentInvalid[intent],
	stored: intentStored[intent] ? (_l, _d, sent) => intentStored[intent](W.commitments[intent], sent) : undefined,
	refresh: async () => {
		W.commitments[intent] = await commitmentAt(STAGE_OF[intent])
	},
	// An unknown intent is refused for the whole page, not a field.
	formLevelOk: (data) => data?.error === 'commitment.page.unknown_intent',
}))

const specs: Spec[] = [
	{
		name: 'signup',
		action: signupAction,
		as: () => '',
		url: () => '/signup',
		baseline: () => {
			const u = uniq()
			return { email: `fz${u}@example.cn`, username: `fz${u}`, displayName: '测试 <b>用户</b> 😀', password: 'Fuzz-Pass-2026x' }
		},
		fields: ['email', 'username', 'displayName', 'password'],
		invalid: [
			{ field: 'email', values: fc.oneof(blankOrMissing, sqlLike, fc.constantFrom('a@', '@b.cn', 'a b@c.cn', '<script>@x.cn'), tooLong(254)) },
			{ field: 'username', values: fc.oneof(blankOrMissing, sqlLike, fc.constantFrom('ab', '用户名', 'a b c', '<b>x</b>'), tooLong(32)) },
			{ field: 'displayName', values: requiredInvalid(64) },
			{ field: 'password', values: fc.oneof(fc.constant(null), empty, fc.constantFrom('short', 'aaaaaaaaaaaa', '1234567890', 'password123'), tooLong(128)) },
		],
		stored: async (_l, _d, sent) => {
			const a = await ctx.db.selectFrom('account').select('displayName').where('email', '=', (sent.get('email') ?? '').trim().toLowerCase()).executeTakeFirstOrThrow()
			return [['account.displayName', a.displayName, asStored(sent.get('displayName') ?? '')]]
		},
	},
	{
		name: 'login',
		action: loginAction,
		as: () => '',
		url: () => '/login',
		baseline: () => ({ identifier: 'nobody@example.cn', password: 'Wrong-Pass-2026', redirectTo: '/' }),
		fields: ['identifier', 'password', 'redirectTo'],
		invalid: [
			{ field: 'identifier', values: requiredInvalid(254) },
			{ field: 'password', values: fc.oneof(fc.constant(null), empty, tooLong(1024)) },
		],
	},
	{
		name: 'orgs.new',
		action: newOrgAction,
		as: () => W.newbie,
		url: () => '/orgs/new',
		baseline: () => ({ kind: 'social_org', name: `帮扶协会 <b>${uniq()}</b>`, description: '说明 😀', contactName: '张三', contactPhone: '010-12345678', regionCode: COUNTY, uscc: makeUscc() }),
		fields: ['kind', 'name', 'description', 'contactName', 'contactPhone', 'regionCode', 'uscc', 'subtype', 'villageCode'],
		invalid: [
			{ field: 'name', values: requiredInvalid(200) },
			{ field: 'description', values: optionalInvalid(4000) },
			{ field: 'contactName', values: optionalInvalid(64) },
			{ field: 'contactPhone', values: fc.oneof(fc.constantFrom('abc', "' OR 1=1 --", '<script>', '1234', '０１０-１２３４５６７８'), tooLong(32)) },
			{ field: 'regionCode', values: fc.oneof(sqlLike, fc.constantFrom('51343100000', '5134310000000', '５１３４３１００００００', 'abcdefghijkl')) },
			{ field: 'uscc', values: fc.oneof(sqlLike, fc.constantFrom('91110000000000000X', 'abc', '<b>x</b>'), huge) },
		],
		stored: async (location, _d, sent) => {
			const o = await ctx.db.selectFrom('organization').select(['name', 'description']).where('id', '=', idFrom(location, '/orgs')).executeTakeFirstOrThrow()
			return [
				['organization.name', o.name, asStored(sent.get('name') ?? '')],
				['organization.description', o.description, asStored(sent.get('description') ?? '')],
			]
		},
	},
	{
		name: 'needs.new',
		action: newNeedAction,
		as: () => W.vOwner,
		url: () => '/needs/new',
		baseline: () => ({ villageOrgId: W.villageA, ...needBaseline() }),
		fields: ['villageOrgId', ...NEED_FIELDS],
		invalid: needInvalid,
		stored: async (location, _d, sent) => needStored(idFrom(location, '/needs'), sent),
	},
	{
		name: 'needs.$id.edit',
		action: editNeedAction,
		as: () => W.vOwner,
		url: () => `/needs/${W.draftNeed}/edit`,
		params: () => ({ needId: W.draftNeed }),
		baseline: needBaseline,
		fields: NEED_FIELDS,
		invalid: needInvalid,
		stored: async (_l, _d, sent) => needStored(W.draftNeed, sent),
		refresh: async (sent) => {
			// A submitted need is under review and can no longer be edited: start another draft.
			if (sent.get('intent') === 'submit') {
				W.draftNeed = (await createNeed(ctx.db, W.villageA, { ...needBaseline(), neededBy: dateIn(30) }, await actorFor(ctx.db, W.vOwner))).id
			}
		},
	},
	{
		name: 'offers.new',
		action: newOfferAction,
		as: () => W.pOwner,
		url: () => '/offers/new',
		baseline: () => ({ orgId: W.provider, title: '技能培训 <script>1</script>', description: '面向 😀 农户', categories: ['employment', 'education'], measure: 'amount', capacity: '5,000', coverage: 'regions', regionCodes: VILLAGE, validFrom: dateIn(0), validUntil: dateIn(60), intent: 'save' }),
		fields: ['orgId', 'title', 'description', 'categories', 'measure', 'unit', 'capacity', 'unlimited', 'coverage', 'regionCodes', 'validFrom', 'validUntil', 'intent'],
		invalid: [
			{ field: 'title', values: requiredInvalid(200) },
			{ field: 'description', values: requiredInvalid(10_000) },
			{ field: 'categories', values: fc.oneof(blankOrMissing, sqlLike, fc.constantFrom('foods', '<b>industry</b>')) },
			{ field: 'capacity', values: amountInvalid },
			{ field: 'regionCodes', values: fc.oneof(blankOrMissing, sqlLike, fc.constantFrom('5134311002', '５１３４３１１００２０１')) },
			{ field: 'validFrom', values: dateInvalid },
			{ field: 'validUntil', values: dateInvalid },
		],
		stored: async (location, _d, sent) => {
			const o = await ctx.db.selectFrom('offer').select(['title', 'description']).where('id', '=', idFrom(location, '/offers')).executeTakeFirstOrThrow()
			return [
				['offer.title', o.title, asStored(sent.get('title') ?? '')],
				['offer.description', o.description, asStored(sent.get('description') ?? '')],
			]
		},
	},
	{
		name: 'projects.new',
		action: newProjectAction,
		as: () => W.eOwner,
		url: () => '/projects/new',
		baseline: () => ({ orgId: W.enterprise, title: '花椒基地 "><img src=x onerror=alert(1)>', description: '共建 😀', type: 'industry', villageCodes: VILLAGE, plannedInvestment: '1,000,000.5', permanentJobs: '3', temporaryJobs: '', peopleTrained: '10', startsOn: dateIn(0), endsOn: dateIn(365), intent: 'save' }),
		fields: ['orgId', 'title', 'description', 'type', 'villageCodes', 'plannedInvestment', 'permanentJobs', 'temporaryJobs', 'peopleTrained', 'startsOn', 'endsOn', 'intent'],
		invalid: [
			{ field: 'title', values: requiredInvalid(200) },
			{ field: 'description', values: requiredInvalid(10_000) },
			{ field: 'type', values: enumInvalid(['industry', 'public_welfare']) },
			{ field: 'villageCodes', values: fc.oneof(blankOrMissing, sqlLike, fc.constantFrom('5134311002', 'abc')) },
			{ field: 'plannedInvestment', values: fc.oneof(blankOrMissing, fc.constantFrom('-1', 'NaN', 'Infinity', '1e309', '¥100', '０１２', '1.001', '<b>1</b>')) },
			{ field: 'permanentJobs', values: wholeInvalid },
			{ field: 'startsOn', values: dateInvalid },
		],
		stored: async (location, _d, sent) => {
			const p = await ctx.db.selectFrom('project').select(['title', 'description']).where('id', '=', idFrom(location, '/projects')).executeTakeFirstOrThrow()
			return [
				['project.title', p.title, asStored(sent.get('title') ?? '')],
				['project.description', p.description, asStored(sent.get('description') ?? '')],
			]
		},
	},
	{
		name: 'commitments.new',
		action: pledgeAction,
		as: () => W.pOwner,
		url: () => `/commitments/new?need=${W.pledgeNeed}`,
		baseline: () => ({ needId: W.pledgeNeed, providerOrgId: W.provider, amount: '1', dueAt: dateIn(10), message: '我们将按时交付 <script>alert(1)</script> 😀', offerId: '', idempotencyKey: `k${uniq()}` }),
		fields: ['providerOrgId', 'amount', 'dueAt', 'message', 'offerId', 'idempotencyKey'],
		invalid: [
			{ field: 'providerOrgId', values: fc.oneof(blankOrMissing, tooLong(26)) },
			{ field: 'amount', values: amountInvalid },
			{ field: 'dueAt', values: fc.oneof(dateInvalid, fc.constant(dateIn(-1))) },
			{ field: 'message', values: optionalInvalid(2_000) },
			{ field: 'offerId', values: tooLong(26) },
			{ field: 'idempotencyKey', values: fc.oneof(sqlLike, fc.constantFrom('<b>', 'a b', '键'), tooLong(64)) },
		],
		stored: async (location, _d, sent) => {
			const c = await ctx.db.selectFrom('commitment').select('message').where('id', '=', idFrom(location, '/commitments')).executeTakeFirstOrThrow()
			return [['commitment.message', c.message, asStored(sent.get('message') ?? '', nl)]]
		},
	},
	...commitmentSpecs,
	{
		name: 'settings[password]',
		action: settingsAction,
		as: () => W.settingsUser,
		url: () => '/settings',
		baseline: () => {
			const next = `Fz-${uniq()}-Pass!`
			return { intent: 'password', currentPassword: W.password, newPassword: next, confirmPassword: next }
		},
		fields: ['intent', 'currentPassword', 'newPassword', 'confirmPassword'],
		invalid: [
			{ field: 'currentPassword', values: fc.oneof(fc.constant(null), empty) },
			{ field: 'newPassword', values: fc.oneof(fc.constant(null), empty, fc.constantFrom('short', '1234567890', 'aaaaaaaaaaaa'), tooLong(128)) },
			{ field: 'confirmPassword', values: fc.oneof(fc.constant(null), empty, fc.constantFrom('Other-Pass-2026!')) },
		],
		refresh: async (sent) => {
			W.password = sent.get('newPassword') ?? W.password
		},
	},
	{
		name: 'settings[create-token]',
		action: settingsAction,
		as: () => W.settingsUser,
		url: () => '/settings',
		baseline: () => ({ intent: 'create-token', name: 'CI <script>x</script> 😀', scope: 'read', expiresInDays: '30' }),
		fields: ['intent', 'name', 'scope', 'expiresInDays'],
		invalid: [
			{ field: 'name', values: requiredInvalid(100) },
			{ field: 'scope', values: enumInvalid(['read', 'read_write']) },
			{ field: 'expiresInDays', values: fc.oneof(blankOrMissing, fc.constantFrom('0', '366', '-1', '1.5', 'NaN', 'Infinity', '1e309', '３０')) },
		],
		stored: async (_l, data, sent) => {
			const t = await ctx.db.selectFrom('apiToken').select('name').where('accountId', '=', W.settingsUser).orderBy('id', 'desc').executeTakeFirstOrThrow()
			return [
				['apiToken.name', t.name, asStored(sent.get('name') ?? '')],
				['reply.created.name', data?.created?.name, asStored(sent.get('name') ?? '')],
			]
		},
		refresh: async () => {
			// At most 20 active tokens: keep room for the next case.
			await ctx.db.updateTable('apiToken').set({ revokedAt: Date.now() }).where('accountId', '=', W.settingsUser).where('id', '<>', W.tokenId).where('revokedAt', 'is', null).execute()
		},
	},
	{
		name: 'settings[revoke-token]',
		action: settingsAction,
		as: () => W.settingsUser,
		url: () => '/settings',
		baseline: () => ({ intent: 'revoke-token', tokenId: W.tokenId }),
		fields: ['intent', 'tokenId'],
		refresh: async () => {
			W.tokenId = (await createApiToken(ctx.db, W.settingsUser, { name: 'fuzz', scope: 'read', expiresInDays: 30 })).id
		},
		// A token that is not the account's is a 404 with a page-level message, on purpose.
		formLevelOk: () => true,
	},
	{
		name: 'supervision.interviews',
		action: interviewAction,
		as: () => W.official,
		url: () => '/supervision/interviews',
		baseline: () => ({ subjectType: 'org', subjectId: W.enterprise, heldOn: dateIn(0), attendees: '理事长; <b>村支书</b>', issues: "承诺逾期 ' OR 1=1 --", rectification: '限期交付 😀', deadline: dateIn(14) }),
		fields: ['subjectType', 'subjectId', 'heldOn', 'attendees', 'issues', 'rectification', 'deadline'],
		invalid: [
			{ field: 'subjectType', values: enumInvalid(['region', 'org']) },
			{ field: 'subjectId', values: fc.oneof(blankOrMissing, tooLong(26)) },
			{ field: 'heldOn', values: fc.oneof(dateInvalid, fc.constant(dateIn(2))) },
			{ field: 'attendees', values: requiredInvalid(1_000) },
			{ field: 'issues', values: requiredInvalid(5_000) },
			{ field: 'rectification', values: requiredInvalid(5_000) },
			{ field: 'deadline', values: fc.oneof(dateInvalid, fc.constant(dateIn(-2))) },
		],
		stored: async (location, _d, sent) => {
			const i = await ctx.db.selectFrom('interview').select(['issues', 'attendees']).where('id', '=', idFrom(location, '/supervision/interviews')).executeTakeFirstOrThrow()
			return [
				['interview.issues', i.issues, asStored(sent.get('issues') ?? '')],
				['interview.attendees', i.attendees, asStored(sent.get('attendees') ?? '')],
			]
		},
	},
	{
		name: 'supervision.accountability',
		action: accountabilityAction,
		as: () => W.official,
		url: () => '/supervision/accountability',
		baseline: () => ({ subjectType: 'org', subjectId: W.enterprise, failure: '逾期未交付 <script>alert(1)</script>', measures: '通报批评 😀', commitmentIds: '' }),
		fields: ['subjectType', 'subjectId', 'failure', 'measures', 'commitmentIds'],
		invalid: [
			{ field: 'subjectType', values: enumInvalid(['region', 'org']) },
			{ field: 'failure', values: requiredInvalid(5_000) },
			{ field: 'measures', values: requiredInvalid(5_000) },
			{ field: 'commitmentIds', values: fc.oneof(sqlLike, fc.constantFrom('<b>x</b>', '01ARZ3NDEKTSV4RRFFQ69G5FA', '01ARZ3NDEKTSV4RRFFQ69G5FAVV'), huge) },
		],
		stored: async (location, _d, sent) => {
			const r = await ctx.db.selectFrom('accountabilityRecord').select(['failure', 'measures']).where('id', '=', idFrom(location, '/supervision/accountability')).executeTakeFirstOrThrow()
			return [
				['accountability.failure', r.failure, asStored(sent.get('failure') ?? '')],
				['accountability.measures', r.measures, asStored(sent.get('measures') ?? '')],
			]
		},
	},
	{
		name: 'commendations.new',
		action: commendationAction,
		as: () => W.official,
		url: () => '/commendations/new',
		baseline: () => ({
			title: `昭觉县表彰 <b>${uniq()}</b> 😀`,
			year: String(YEAR - 1),
			level: 'county',
			organizerOrgId: '',
			description: '说明 <script>x</script>',
			periodStart: `${YEAR - 1}-01-01`,
			periodEnd: `${YEAR - 1}-12-31`,
			minAmount: '5000',
			minCount: '2',
			nominationEndsOn: dateIn(20),
			quotaAdvancedIndividual: '1',
			quotaAdvancedCollective: '1',
			quotaSocialContribution: '',
		}),
		fields: ['title', 'year', 'level', 'organizerOrgId', 'description', 'periodStart', 'periodEnd', 'minAmount', 'minCount', 'nominationEndsOn', 'quotaAdvancedIndividual', 'quotaAdvancedCollective', 'quotaSocialContribution'],
		invalid: [
			{ field: 'title', values: requiredInvalid(200) },
			{ field: 'year', values: fc.oneof(blankOrMissing, fc.constantFrom('1989', '2101', '２０２５', '25', '2025.0', 'NaN')) },
			{ field: 'level', values: enumInvalid(['national', 'provincial', 'city', 'county']) },
			{ field: 'description', values: optionalInvalid(10_000) },
			{ field: 'periodStart', values: dateInvalid },
			{ field: 'minAmount', values: fc.oneof(blankOrMissing, fc.constantFrom('-1', 'NaN', '1e309', '¥100', '1,000', '０１２', '1.001')) },
			{ field: 'minCount', values: fc.oneof(blankOrMissing, wholeInvalid) },
			{ field: 'nominationEndsOn', values: fc.oneof(dateInvalid, fc.constant(dateIn(-3))) },
			{ field: 'quotaAdvancedCollective', values: fc.constantFrom('0', '1001', '-1', '1.5', '１', 'NaN') },
		],
		stored: async (location, _d, sent) => {
			const c = await ctx.db.selectFrom('campaign').select(['title', 'description']).where('id', '=', idFrom(location, '/commendations')).executeTakeFirstOrThrow()
			return [
				['campaign.title', c.title, asStored(sent.get('title') ?? '')],
				['campaign.description', c.description, asStored(sent.get('description') ?? '')],
			]
		},
	},
	...(['set-target', 'clear-target'] as const).map(
		(intent): Spec => ({
			name: `dashboard[${intent}]`,
			action: dashboardAction,
			as: () => W.official,
			url: () => '/dashboard',
			baseline: () => ({ '?region': COUNTY, intent, indicator: 'jobs', year: String(YEAR), ...(intent === 'set-target' ? { target: '15' } : {}) }),
			fields: ['?region', '?year', 'intent', 'indicator', 'target', 'year'],
			invalid: [
				{ field: 'indicator', values: enumInvalid(INDICATOR_CODES) },
				{ field: 'year', values: fc.oneof(blankOrMissing, fc.constantFrom('NaN', '1.5', 'abc', "2026' OR 1=1", '1e309', '99999')) },
				...(intent === 'set-target' ? [{ field: 'target', values: fc.oneof(blankOrMissing, tooLong(40), fc.constantFrom('-1', 'NaN', 'Infinity', '<b>1</b>', '1e309')) }] : []),
			],
		}),
	),
	{
		name: 'reports.$type.$id',
		action: reportAction,
		as: () => W.official,
		url: () => `/reports/region/${COUNTY}`,
		params: () => ({ subjectType: 'region', subjectId: COUNTY }),
		baseline: () => ({ '?year': String(YEAR), problems: '进度偏慢 <script>alert(1)</script>', nextSteps: '加强督导 😀' }),
		fields: ['?year', 'problems', 'nextSteps', 'case'],
		invalid: [
			{ field: 'problems', values: requiredInvalid(5_000) },
			{ field: 'nextSteps', values: requiredInvalid(5_000) },
		],
		stored: async (_l, _d, sent) => {
			const r = await ctx.db.selectFrom('workReport').select(['problems', 'nextSteps']).where('subjectId', '=', COUNTY).where('year', '=', Number(sent.get('?year')?.trim() || YEAR)).executeTakeFirstOrThrow()
			return [
				['workReport.problems', r.problems, asStored(sent.get('problems') ?? '')],
				['workReport.nextSteps', r.nextSteps, asStored(sent.get('nextSteps') ?? '')],
			]
		},
	},
	{
		name: 'appraisals.$type.$id',
		action: appraisalAction,
		as: () => W.official,
		url: () => `/appraisals/region/${COUNTY}`,
		params: () => ({ subjectType: 'region', subjectId: COUNTY }),
		baseline: () => ({ '?year': String(YEAR), grade: 'good', comment: '完成良好 "><img src=x onerror=alert(1)> 😀' }),
		fields: ['?year', 'grade', 'comment'],
		invalid: [
			{ field: 'grade', values: enumInvalid(['good', 'fairly_good', 'average', 'poor']) },
			{ field: 'comment', values: requiredInvalid(2_000) },
		],
		stored: async (_l, _d, sent) => {
			const a = await ctx.db.selectFrom('appraisal').select('comment').where('subjectId', '=', COUNTY).orderBy('id', 'desc').executeTakeFirstOrThrow()
			return [['appraisal.comment', a.comment, asStored(sent.get('comment') ?? '')]]
		},
	},
]

// ---------------------------------------------------------------------------------------------
// The check each case runs

function split(url: string, entries: FormEntries): { url: string; body: FormEntries; sent: Sent } {
	const u = new URL(url, 'http://localhost')
	const body: FormEntries = []
	const sent: Sent = new Map()
	for (const [k, v] of entries) {
		if (!sent.has(k)) sent.set(k, v)
		if (k.startsWith('?')) u.searchParams.append(k.slice(1), v)
		else body.push([k, v])
	}
	return { url: `${u.pathname}${u.search}`, body, sent }
}

type Outcome = { accepted: boolean; status: number; errors?: Record<string, unknown> }

async function check(spec: Spec, entries: FormEntries, encoding: Encoding): Promise<Outcome> {
	const { url, body, sent } = split(spec.url(), entries)
	const accountId = spec.as() || null
	const request = await formRequest(accountId, url, body, encoding)
	const before = await snapshot(ctx.db)
	const res = await runAction(spec.action, request, spec.params?.() ?? {})
	const after = await snapshot(ctx.db)
	if (res.status >= 500) tally.serverErrors++
	expect(res.status, `${spec.name} answered ${res.status}`).toBeLessThan(500)
	expect(res.location ?? '', 'the user is signed in and allowed').not.toMatch(/^\/login/)
	const errors = errorsOf(res.data) ?? (res.thrown && (res.data as { message?: string })?.message ? { '': [(res.data as { message: string }).message] } : undefined)
	const accepted = res.status < 400 && !errors
	count(spec.name, accepted)
	if (!accepted) {
		expect(changedTables(before, after), `${spec.name} wrote on a refusal (${res.status} ${JSON.stringify(errors)?.slice(0, 200)})`).toEqual([])
		expect(errors, `${spec.name} refused (${res.status}) without saying why`).toBeDefined()
		// A thrown 400 is the answer to a body that is not a well-formed form at all (no field to name).
		if (res.status === 400 && !res.thrown && !spec.formLevelOk?.(res.data, sent)) {
			expect(fieldNames(errors), `${spec.name}: a 400 names no field: ${JSON.stringify(errors).slice(0, 200)}`).not.toEqual([])
		}
		return { accepted, status: res.status, errors }
	}
	if (spec.stored) for (const [label, actual, expected] of await spec.stored(res.location, res.data, sent)) expectSame(`${spec.name} ${label}`, actual, expected)
	await spec.refresh?.(sent)
	return { accepted, status: res.status }
}

const encoding = fc.constantFrom<Encoding>('urlencoded', 'urlencoded', 'multipart')

describe('fuzz: form actions', () => {
	for (const spec of specs) {
		it(`${spec.name}: hostile bodies are answered (never a 500); refusals name fields and write nothing; accepted text is stored as sent`, async () => {
			await fc.assert(
				fc.asyncProperty(mutations(spec.fields), encoding, async (list, enc) => {
					await check(spec, applyMutations(spec.baseline(), list), enc)
				}),
				fcOptions(seedFor(spec.name), RUNS),
			)
		}, 120_000)

		const invalid = spec.invalid
		if (invalid?.length) {
			it(`${spec.name}: a value the field can never take is refused by that field, and nothing is written`, async () => {
				const pick = fc.integer({ min: 0, max: invalid.length - 1 }).chain((i) => invalid[i].values.map((value) => ({ i, value })))
				await fc.assert(
					fc.asyncProperty(pick, encoding, async ({ i, value }, enc) => {
						const { field, key } = invalid[i]
						const base = spec.baseline()
						if (value === null) delete base[field]
						else base[field] = value
						const out = await check(spec, applyMutations(base, []), enc)
						expect(out.accepted, `${spec.name} accepted ${field}=${JSON.stringify(value?.slice(0, 80))}`).toBe(false)
						expect(Object.keys(out.errors ?? {}), `${spec.name}: the refusal of ${field}=${JSON.stringify(value?.slice(0, 80))} names ${key ?? field}`).toContain(key ?? field)
					}),
					fcOptions(seedFor(`${spec.name}:invalid`), INVALID_RUNS),
				)
			}, 120_000)
		}
	}

	it('needs.new: accepted hostile text (HTML, SQL, emoji, RTL, combining marks, controls) comes back byte-equal', async () => {
		await fc.assert(
			fc.asyncProperty(acceptableText(200), acceptableText(10_000), async (title, description) => {
				const out = await check(specs.find((s) => s.name === 'needs.new')!, applyMutations({ villageOrgId: W.villageA, ...needBaseline(), title, description }, []), 'urlencoded')
				expect(out.accepted, `refused ${JSON.stringify(title)}: ${JSON.stringify(out.errors)}`).toBe(true)
			}),
			fcOptions(seedFor('needs.new:roundtrip'), RUNS),
		)
	}, 120_000)

	it('a multipart body with a part that has no field name is a 400, not the 500 page (found by this suite)', async () => {
		for (const spec of specs.filter((s) => s.name === 'needs.new' || s.name === 'commitments.$id[post-update]')) {
			const out = await check(spec, [...applyMutations(spec.baseline(), []), ['', '<script>x</script>']], 'multipart')
			expect([out.accepted, out.status]).toEqual([false, 400])
		}
	})

	it('covers every form route of the brief', () => {
		expect(new Set(specs.map((s) => s.name.replace(/\[.*$/, ''))).size).toBe(16)
	})
})
