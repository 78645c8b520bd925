// The one fixture world the authorization matrix acts on. Built through the model functions (so
// every record is in a state the app itself produces), then frozen; each case starts from it.
//
// Regions (tests/factories.ts seedRegions): village A 三河村 (昭觉县 / 新城镇) and village B 光明村
// (喜德县 / 光明镇): different townships and counties.
import type { Kysely } from 'kysely'
import type { DB } from '#db/schema.ts'
import { createAccountabilityRecord } from '#app/models/accountability.server.ts'
import { createCampaign, fileObjection, nominate, openNominations, reviewNomination, startNotice, startReview } from '#app/models/commendation.server.ts'
import { acceptCommitment, addMilestone, confirmDelivery, createCommitment, postCommitmentUpdate, startDelivery, verifyCommitment } from '#app/models/commitment.server.ts'
import { createInterview } from '#app/models/interview.server.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { createPairing } from '#app/models/pairing.server.ts'
import { createProject, transitionProject } from '#app/models/project.server.ts'
import { addNeedPhoto } from '#app/models/upload.server.ts'
import { createApiToken } from '#app/models/api-token.server.ts'
import { setTarget } from '#app/models/indicator-target.server.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { createLoginSession } from '#app/utils/auth.server.ts'
import { DAY_MS, chinaDayStart, chinaPeriod, formatChinaDate } from '#app/utils/china-date.ts'
import { newId } from '#app/utils/id.ts'
import { actorFor, makeAccount, makeOrg, seedRegions } from '#tests/factories.ts'

export const VILLAGE_A = '513431100201'
export const VILLAGE_B = '513432100201'
export const COUNTY_A = '513431000000'
export const COUNTY_B = '513432000000'
export const YEAR = new Date().getFullYear()
export const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==', 'base64'))

const TODAY = chinaDayStart(Date.now())
export const dateIn = (days: number) => formatChinaDate(TODAY + days * DAY_MS)

export const ACCOUNTS = [
	'vAOwner',
	'vAMember',
	'vBOwner',
	'p1Owner',
	'p1Admin',
	'p1Member',
	'p2Owner',
	'psOwner',
	'psMember',
	'offA',
	'offOut',
	'admin',
	'newcomer',
	'pendingOwner',
] as const
export type AccountKey = (typeof ACCOUNTS)[number]

export type World = Awaited<ReturnType<typeof buildWorld>>

export function needForm(overrides: Record<string, string> = {}) {
	return {
		title: '三河村花椒烘干设备资金缺口',
		description: '购置两台烘干机。',
		category: 'industry',
		measure: 'amount',
		amount: '120000',
		beneficiaries: '120',
		urgency: 'high',
		neededBy: dateIn(60),
		...overrides,
	}
}

export function offerForm(overrides: Record<string, string | string[]> = {}) {
	return {
		title: '农产品消费帮扶采购',
		description: '面向结对县采购特色农产品，按季度结算。',
		categories: ['consumption', 'industry'],
		measure: 'amount',
		capacity: '50000',
		coverage: 'nationwide',
		validFrom: dateIn(0),
		validUntil: dateIn(180),
		...overrides,
	}
}

export function projectForm(overrides: Record<string, string> = {}) {
	return {
		title: '花椒加工厂',
		description: '建设花椒烘干和加工车间，吸纳村民就业。',
		type: 'industry',
		villageCodes: VILLAGE_A,
		plannedInvestment: '2500000',
		permanentJobs: '20',
		temporaryJobs: '60',
		peopleTrained: '',
		startsOn: dateIn(-30),
		endsOn: dateIn(335),
		...overrides,
	}
}

export function campaignForm(overrides: Record<string, string> = {}) {
	const p = chinaPeriod(YEAR - 1)
	return {
		title: `昭觉县 ${YEAR - 1} 年度社会帮扶表彰`,
		year: String(YEAR - 1),
		level: 'county',
		organizerOrgId: '',
		description: '表彰说明',
		periodStart: formatChinaDate(p.start),
		periodEnd: formatChinaDate(p.end - DAY_MS),
		minAmount: '5000',
		minCount: '2',
		nominationEndsOn: dateIn(20),
		quotaAdvancedIndividual: '1',
		quotaAdvancedCollective: '2',
		quotaSocialContribution: '',
		...overrides,
	}
}

/** A verified commitment inside last year's campaign period (direct insert: history, not a journey). */
async function pastVerified(db: Kysely<DB>, providerOrgId: string, villageOrgId: string, amount: number, by: string) {
	const now = Date.now()
	const at = chinaPeriod(YEAR - 1).start + 30 * DAY_MS
	const needId = newId()
	await db
		.insertInto('need')
		.values({
			id: needId,
			villageOrgId,
			villageCode: VILLAGE_A,
			title: '往年花椒烘干',
			description: '',
			category: 'industry',
			measure: 'amount',
			unit: null,
			target: amount,
			beneficiaries: 0,
			urgency: 'normal',
			neededBy: at,
			status: 'closed',
			statusNote: null,
			duplicateOf: null,
			reviewedBy: null,
			reviewedAt: at,
			submittedAt: at,
			publishedAt: at,
			closedAt: at,
			createdBy: by,
			createdAt: at,
			updatedAt: now,
		})
		.execute()
	await db
		.insertInto('commitment')
		.values({
			id: newId(),
			needId,
			offerId: null,
			providerOrgId,
			villageOrgId,
			villageCode: VILLAGE_A,
			amount,
			deliveredAmount: amount,
			status: 'verified',
			message: '',
			dueAt: at,
			lapseAt: at,
			statusReason: null,
			idempotencyKey: null,
			acceptedAt: at,
			deliveryStartedAt: at,
			deliveredAt: at,
			verifiedAt: at,
			verifiedBy: null,
			closedAt: null,
			createdBy: by,
			createdAt: at,
			updatedAt: at,
		})
		.execute()
}

export async function buildWorld(db: Kysely<DB>) {
	await seedRegions(db)
	const ids = {} as Record<AccountKey, string>
	for (const key of ACCOUNTS) ids[key] = (await makeAccount(db, { isNationalAdmin: key === 'admin', displayName: key })).id
	const member = (orgId: string, accountId: string, role: 'owner' | 'admin' | 'member') =>
		db.insertInto('membership').values({ orgId, accountId, role, createdAt: Date.now() }).execute()

	// Orgs. PS is verified while its records are made, then suspended.
	const villageA = await makeOrg(db, 'village', { regionCode: VILLAGE_A, ownerId: ids.vAOwner, name: '三河村村民委员会' })
	await member(villageA, ids.vAMember, 'member')
	const villageB = await makeOrg(db, 'village', { regionCode: VILLAGE_B, ownerId: ids.vBOwner, name: '光明村村民委员会' })
	const P1 = await makeOrg(db, 'enterprise', { regionCode: COUNTY_A, ownerId: ids.p1Owner, name: '帮扶企业甲' })
	await member(P1, ids.p1Admin, 'admin')
	await member(P1, ids.p1Member, 'member')
	const P2 = await makeOrg(db, 'enterprise', { regionCode: '330100000000', ownerId: ids.p2Owner, name: '浙江帮扶企业乙' })
	const PS = await makeOrg(db, 'enterprise', { regionCode: COUNTY_A, ownerId: ids.psOwner, name: '停权企业丙' })
	await member(PS, ids.psMember, 'member')
	const govA = await makeOrg(db, 'government', { regionCode: COUNTY_A, ownerId: ids.offA, name: '昭觉县乡村振兴局' })
	await makeOrg(db, 'government', { regionCode: COUNTY_B, ownerId: ids.offOut, name: '喜德县乡村振兴局' })
	const pendingVillage = await makeOrg(db, 'village', { regionCode: '513431100202', status: 'pending', ownerId: ids.pendingOwner, name: '火普村村民委员会' })

	const as = (key: AccountKey) => actorFor(db, ids[key])

	// Needs of village A.
	const needDraft = (await createNeed(db, villageA, needForm({ title: '草稿需求' }), await as('vAOwner'))).id
	const photo = await addNeedPhoto(db, needDraft, { bytes: PNG, originalName: 'a.png' }, await as('vAOwner'))
	const needSubmitted = (await createNeed(db, villageA, needForm({ title: '待审需求' }), await as('vAOwner'))).id
	await submitNeed(db, needSubmitted, await as('vAOwner'))
	const published = async (title: string) => {
		const { id } = await createNeed(db, villageA, needForm({ title }), await as('vAOwner'))
		await submitNeed(db, id, await as('vAOwner'))
		await reviewNeed(db, id, { decision: 'publish' }, await as('offA'))
		return id
	}
	const needPub = await published('已发布需求（有承诺）')
	const needPub2 = await published('已发布需求（无承诺）')
	const needB = (await createNeed(db, villageB, { ...needForm({ title: '光明村草稿' }) }, await as('vBOwner'))).id

	// Offers of P1 (draft, published, paused) and PS (draft).
	const offer = async (key: AccountKey, orgId: string) => (await createOffer(db, orgId, offerForm(), await as(key))).id
	const offerDraft = await offer('p1Owner', P1)
	const offerPub = await offer('p1Owner', P1)
	await transitionOffer(db, offerPub, { action: 'publish' }, await as('p1Owner'))
	const offerPaused = await offer('p1Owner', P1)
	await transitionOffer(db, offerPaused, { action: 'publish' }, await as('p1Owner'))
	await transitionOffer(db, offerPaused, { action: 'pause' }, await as('p1Owner'))
	const offerPS = await offer('psOwner', PS)

	// Projects of P1 (planned, running) and PS (planned).
	const projectPlanned = (await createProject(db, P1, projectForm(), await as('p1Owner'))).id
	const projectRunning = (await createProject(db, P1, projectForm({ title: '合作社冷库' }), await as('p1Owner'))).id
	await transitionProject(db, projectRunning, { action: 'start' }, await as('p1Owner'))
	const projectPS = (await createProject(db, PS, projectForm({ title: '停权企业项目' }), await as('psOwner'))).id

	// Commitments on needPub, one per state the actions start from.
	const pledge = async (key: AccountKey, orgId: string) => (await createCommitment(db, needPub, { providerOrgId: orgId, amount: '1000', dueAt: dateIn(30), message: '' }, await as(key))).id
	const cPledged = await pledge('p1Owner', P1)
	const cAccepted = await pledge('p1Owner', P1)
	await acceptCommitment(db, cAccepted, await as('vAOwner'))
	const cDelivering = await pledge('p1Owner', P1)
	await acceptCommitment(db, cDelivering, await as('vAOwner'))
	await startDelivery(db, cDelivering, await as('p1Owner'))
	await addMilestone(db, cDelivering, { title: '第一批', dueAt: dateIn(10), share: '50' }, await as('p1Owner'))
	const milestone = (await db.selectFrom('commitmentMilestone').select('id').where('commitmentId', '=', cDelivering).executeTakeFirstOrThrow()).id
	// Reported by the provider, so the village may confirm it.
	await postCommitmentUpdate(db, cDelivering, { body: '第一批已送达', milestoneId: milestone }, [], await as('p1Owner'))
	const cDelivered = await pledge('p1Owner', P1)
	await acceptCommitment(db, cDelivered, await as('vAOwner'))
	await startDelivery(db, cDelivered, await as('p1Owner'))
	await confirmDelivery(db, cDelivered, { deliveredAmount: '1000' }, await as('vAOwner'))
	const cVerified = await pledge('p1Owner', P1)
	await acceptCommitment(db, cVerified, await as('vAOwner'))
	await startDelivery(db, cVerified, await as('p1Owner'))
	await confirmDelivery(db, cVerified, { deliveredAmount: '1000' }, await as('vAOwner'))
	await verifyCommitment(db, cVerified, { note: '' }, await as('offA'))
	// PS's own commitments (made while PS was verified): the suspended member's own records.
	const cPSPledged = await pledge('psOwner', PS)
	const cPSAccepted = await pledge('psOwner', PS)
	await acceptCommitment(db, cPSAccepted, await as('vAOwner'))
	const cPSDelivering = await pledge('psOwner', PS)
	await acceptCommitment(db, cPSDelivering, await as('vAOwner'))
	await startDelivery(db, cPSDelivering, await as('psOwner'))
	const cPSVerified = await pledge('psOwner', PS)
	await acceptCommitment(db, cPSVerified, await as('vAOwner'))
	await startDelivery(db, cPSVerified, await as('psOwner'))
	await confirmDelivery(db, cPSVerified, { deliveredAmount: '1000' }, await as('vAOwner'))
	await verifyCommitment(db, cPSVerified, { note: '' }, await as('offA'))

	// Pairing, supervision.
	const pairing = (await createPairing(db, { kind: 'twinning', providerOrgId: P1, recipientRegionCode: VILLAGE_A, startedYear: 2022 }, await as('offA'))).id
	const interview = (
		await createInterview(
			db,
			{ subjectType: 'org', subjectId: P1, heldOn: dateIn(0), attendees: '企业负责人', issues: '承诺逾期未交付', rectification: '限期交付', deadline: dateIn(30) },
			await as('offA'),
		)
	).id
	// On the county, not on P1: an open record on an org makes it ineligible for commendation.
	const record = (await createAccountabilityRecord(db, { subjectType: 'region', subjectId: COUNTY_A, failure: '逾期未交付', measures: '通报批评' }, await as('offA'))).id

	await setTarget(db, await loadSubject(db, 'region', COUNTY_A), YEAR, 'jobs', '10', await as('offA'))
	await setTarget(db, await loadSubject(db, 'org', P1), YEAR, 'trained', '10', await as('offA'))

	// Commendation campaigns by 昭觉县, one per stage an action starts from. P1 (and PS) qualify.
	await pastVerified(db, P1, villageA, 400_000, ids.p1Owner)
	await pastVerified(db, P1, villageA, 200_000, ids.p1Owner)
	await pastVerified(db, PS, villageA, 400_000, ids.psOwner)
	await pastVerified(db, PS, villageA, 200_000, ids.psOwner)
	const campaign = async (title: string) => (await createCampaign(db, campaignForm({ title }), await as('offA'))).id
	const nominateP1 = async (campaignId: string) => {
		await nominate(db, campaignId, { category: 'advanced_collective', orgId: P1, citation: '三年帮扶花椒产业', personName: '' }, await as('p1Owner'))
		return (await db.selectFrom('nomination').select('id').where('campaignId', '=', campaignId).orderBy('id', 'desc').executeTakeFirstOrThrow()).id
	}
	const kDraft = await campaign('草稿表彰')
	const kOpen = await campaign('征集中表彰')
	await openNominations(db, kOpen, await as('offA'))
	const kReview = await campaign('评审中表彰')
	await openNominations(db, kReview, await as('offA'))
	const nReview = await nominateP1(kReview)
	await startReview(db, kReview, await as('offA'))
	const kNotice = await campaign('公示中表彰')
	await openNominations(db, kNotice, await as('offA'))
	const nNotice = await nominateP1(kNotice)
	await startReview(db, kNotice, await as('offA'))
	await reviewNomination(db, nNotice, { score: '90', comment: '事迹突出' }, await as('offA'))
	await startNotice(db, kNotice, { noticeStartsOn: dateIn(0), noticeEndsOn: dateIn(10), shortlist: [nNotice] }, await as('offA'))
	await fileObjection(db, nNotice, { reason: '材料存疑' }, await as('vBOwner'))
	const objection = (await db.selectFrom('objection').select('id').where('nominationId', '=', nNotice).executeTakeFirstOrThrow()).id
	const kDecide = await campaign('待决定表彰')
	await openNominations(db, kDecide, await as('offA'))
	const nDecide = await nominateP1(kDecide)
	await startReview(db, kDecide, await as('offA'))
	await reviewNomination(db, nDecide, { score: '85', comment: '较好' }, await as('offA'))
	await startNotice(db, kDecide, { noticeStartsOn: dateIn(0), noticeEndsOn: dateIn(10), shortlist: [nDecide] }, await as('offA'))
	// The 公示 is over: moved into the past directly (time cannot pass in a test).
	await db.updateTable('campaign').set({ noticeStartsAt: TODAY - 12 * DAY_MS, noticeEndsAt: TODAY - DAY_MS }).where('id', '=', kDecide).execute()

	// Suspension last: PS's records exist, PS can do nothing any more.
	await db.updateTable('organization').set({ status: 'suspended', statusReason: '违规' }).where('id', '=', PS).execute()

	// Tokens and notifications to act on.
	const tokenA = (await createApiToken(db, ids.vAOwner, { name: '村数据', scope: 'read', expiresInDays: 30 })).id
	const notification = (await db.selectFrom('notification').select('id').where('accountId', '=', ids.vAOwner).orderBy('id').executeTakeFirstOrThrow()).id

	// Sessions, made inside the world so the cases themselves write none.
	const cookies = {} as Record<AccountKey, string>
	for (const key of ACCOUNTS) cookies[key] = (await createLoginSession(ids[key], new Request('http://localhost/'))).split(';')[0]
	const emails = Object.fromEntries(
		(await db.selectFrom('account').select(['id', 'email']).execute()).map((a) => [Object.entries(ids).find(([, id]) => id === a.id)?.[0] ?? a.id, a.email]),
	) as Record<AccountKey, string>

	const passwordHashes = Object.fromEntries((await db.selectFrom('account').select(['id', 'passwordHash']).execute()).map((a) => [a.id, a.passwordHash]))

	return {
		ids,
		cookies,
		passwordHashes,
		emails,
		orgs: { villageA, villageB, P1, P2, PS, govA, pendingVillage },
		needs: { needDraft, needSubmitted, needPub, needPub2, needB },
		photo: photo.id,
		offers: { offerDraft, offerPub, offerPaused, offerPS },
		projects: { projectPlanned, projectRunning, projectPS },
		commitments: { cPledged, cAccepted, cDelivering, cDelivered, cVerified, cPSPledged, cPSAccepted, cPSDelivering, cPSVerified },
		milestone,
		pairing,
		interview,
		record,
		campaigns: { kDraft, kOpen, kReview, kNotice, kDecide },
		nominations: { nReview, nNotice, nDecide },
		objection,
		tokenA,
		notification,
	}
}
