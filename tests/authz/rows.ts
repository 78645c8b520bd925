// The matrix rows: for each (route file, intent), a realistic form for that intent, the record it
// acts on, who is expected to be allowed, and one check that an allowed post did what it says.
//
// Roles (who acts, from world.ts):
//   anonymous        no session
//   villageOther     the owner of village B, on village A's record
//   providerOther    the owner of provider P2, on provider P1's record
//   officialOut      an official of 喜德县 (county B), on records in 昭觉县 (county A)
//   suspendedMember  the owner of the suspended provider PS: on PS's own record where PS has one
//                    (an owner, so the suspension is the only reason to refuse)
//   plainMember      a plain member (role 'member') of the record's own org, where the action
//                    needs an owner/admin (or, where any member may act, expected allow)
//   nationalAdmin    a national admin
// Every row also runs its rightful actor (`owner`) as a positive control, so a refusal is never
// a form the route would have refused from anyone.
import type { ActionFunctionArgs } from '@remix-run/node'
import { expect } from 'vitest'
import { action as appraisalAction } from '#app/routes/appraisals.$subjectType.$subjectId.tsx'
import { action as campaignAction } from '#app/routes/commendations.$campaignId.tsx'
import { action as newCampaignAction } from '#app/routes/commendations.new.tsx'
import { action as commitmentAction } from '#app/routes/commitments.$commitmentId.tsx'
import { action as newCommitmentAction } from '#app/routes/commitments.new.tsx'
import { action as dashboardAction } from '#app/routes/dashboard._index.tsx'
import { action as dashboardOrgAction } from '#app/routes/dashboard.orgs.$orgId.tsx'
import { action as inboxAction } from '#app/routes/inbox.tsx'
import { action as langAction } from '#app/routes/lang.tsx'
import { action as loginAction } from '#app/routes/login.tsx'
import { action as logoutAction } from '#app/routes/logout.tsx'
import { action as needAction } from '#app/routes/needs.$needId.tsx'
import { action as needEditAction } from '#app/routes/needs.$needId_.edit.tsx'
import { action as needImportAction } from '#app/routes/needs.import.tsx'
import { action as newNeedAction } from '#app/routes/needs.new.tsx'
import { action as offerAction } from '#app/routes/offers.$offerId.tsx'
import { action as offerEditAction } from '#app/routes/offers.$offerId_.edit.tsx'
import { action as newOfferAction } from '#app/routes/offers.new.tsx'
import { action as orgAction } from '#app/routes/orgs.$orgId.tsx'
import { action as newOrgAction } from '#app/routes/orgs.new.tsx'
import { action as pairingsAction } from '#app/routes/pairings.tsx'
import { action as projectAction } from '#app/routes/projects.$projectId.tsx'
import { action as projectEditAction } from '#app/routes/projects.$projectId_.edit.tsx'
import { action as newProjectAction } from '#app/routes/projects.new.tsx'
import { action as regionAction } from '#app/routes/regions.$code.tsx'
import { action as reportAction } from '#app/routes/reports.$subjectType.$subjectId.tsx'
import { action as reviewAction } from '#app/routes/review.tsx'
import { action as reviewNeedsAction } from '#app/routes/review_.needs.tsx'
import { action as settingsAction } from '#app/routes/settings.tsx'
import { action as signupAction } from '#app/routes/signup.tsx'
import { action as closeRecordAction } from '#app/routes/supervision.accountability.$recordId.tsx'
import { action as newRecordAction } from '#app/routes/supervision.accountability._index.tsx'
import { action as followUpAction } from '#app/routes/supervision.interviews.$interviewId.tsx'
import { action as newInterviewAction } from '#app/routes/supervision.interviews._index.tsx'
import { TEST_PASSWORD } from '#tests/factories.ts'
import { runRoute } from '#tests/setup/route.ts'
import { type FileField, type FormValue, liveDb, post } from './harness.ts'
import { type AccountKey, COUNTY_A, COUNTY_B, PNG, VILLAGE_A, YEAR, type World, campaignForm, dateIn, needForm, offerForm, projectForm } from './world.ts'

export const ROLES = ['anonymous', 'villageOther', 'providerOther', 'officialOut', 'suspendedMember', 'plainMember', 'nationalAdmin'] as const
export type Role = (typeof ROLES)[number]
export type Who = Role | 'owner'

export const ROLE_ACCOUNT: Record<Exclude<Role, 'plainMember'>, AccountKey | null> = {
	anonymous: null,
	villageOther: 'vBOwner',
	providerOther: 'p2Owner',
	officialOut: 'offOut',
	suspendedMember: 'psOwner',
	nationalAdmin: 'admin',
}

export type Req = { url: string; params?: Record<string, string>; form: Record<string, FormValue>; multipart?: boolean; files?: FileField[] }
type Action = (args: ActionFunctionArgs) => unknown

export type Row = {
	file: string
	intent: string
	action: Action
	/** The rightful actor (positive control). */
	owner: AccountKey
	/** The plain member for the plainMember role; omit only with an n/a for it. */
	member?: AccountKey
	/** Roles expected to be allowed (the others are denied unless n/a). */
	allow?: readonly Role[]
	/** Roles that cannot be expressed for this row, with the reason. */
	na?: Partial<Record<Role, string>>
	/** Account overrides for a role (e.g. a second member). */
	as?: Partial<Record<Role, AccountKey>>
	/** How this route refuses, when not 403/404 with a message (anonymous: always the login redirect). */
	refusal?: Partial<Record<Role, { status: number; message?: RegExp; silent?: true }>>
	req: (w: World, who: Who) => Req | Promise<Req>
	/** After an allowed post: the change happened (who posted; `account` is its id). */
	check: (w: World, who: Who, account: string | null) => Promise<void>
}

const db = () => liveDb()
const SIGNED_IN: readonly Role[] = ['villageOther', 'providerOther', 'officialOut', 'suspendedMember', 'plainMember', 'nationalAdmin']

const needStatus = async (id: string) => (await db().selectFrom('need').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const commitmentStatus = async (id: string) => (await db().selectFrom('commitment').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const offerStatus = async (id: string) => (await db().selectFrom('offer').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const projectRow = (id: string) => db().selectFrom('project').selectAll().where('id', '=', id).executeTakeFirstOrThrow()
const campaignStatus = async (id: string) => (await db().selectFrom('campaign').select('status').where('id', '=', id).executeTakeFirstOrThrow()).status
const count = async (table: 'need' | 'offer' | 'project' | 'commitment' | 'organization' | 'apiToken' | 'interview' | 'accountabilityRecord' | 'pairing' | 'campaign' | 'session' | 'account' | 'nomination' | 'objection', where?: [string, string]) => {
	let q = db().selectFrom(table as 'need').select((eb) => eb.fn.countAll<number>().as('n'))
	if (where) q = q.where(where[0] as 'id', '=', where[1])
	return Number((await q.executeTakeFirstOrThrow()).n)
}

/** The newest need's status (a create routes redirects to it). */
const newestNeed = () => db().selectFrom('need').select(['id', 'status', 'title']).orderBy('id', 'desc').executeTakeFirstOrThrow()

const photoFile = (): FileField => ({ field: 'photos', name: 'p.png', bytes: PNG, type: 'image/png' })

export const PUBLIC_ROWS = new Set(['lang.tsx', 'login.tsx', 'signup.tsx', 'logout.tsx'])

export const ROWS: Row[] = [
	// ---- needs -------------------------------------------------------------------------------
	{
		file: 'needs.new.tsx',
		intent: 'save',
		action: newNeedAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'], // any member of the village writes a draft
		refusal: { villageOther: { status: 403, message: /errors\.(forbidden|not_org|need_not_village_member)/ } },
		req: (w) => ({ url: '/needs/new', form: { ...needForm({ title: '新建需求' }), villageOrgId: w.orgs.villageA, intent: 'save' }, files: [photoFile()] }),
		check: async () => {
			const n = await newestNeed()
			expect([n.title, n.status]).toEqual(['新建需求', 'draft'])
		},
	},
	{
		file: 'needs.new.tsx',
		intent: 'submit',
		action: newNeedAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'], // the member's draft is kept; the submit half is refused (checked)
		req: (w) => ({ url: '/needs/new', form: { ...needForm({ title: '新建并提交' }), villageOrgId: w.orgs.villageA, intent: 'submit' }, multipart: true }),
		check: async (_w, who) => {
			const n = await newestNeed()
			expect([n.title, n.status]).toEqual(['新建并提交', who === 'plainMember' ? 'draft' : 'submitted'])
		},
	},
	{
		file: 'needs.$needId_.edit.tsx',
		intent: 'save',
		action: needEditAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'],
		req: (w) => ({ url: `/needs/${w.needs.needDraft}/edit`, params: { needId: w.needs.needDraft }, form: { ...needForm({ title: '改过的标题' }), intent: 'save' } }),
		check: async (w) => expect((await db().selectFrom('need').select('title').where('id', '=', w.needs.needDraft).executeTakeFirstOrThrow()).title).toBe('改过的标题'),
	},
	{
		file: 'needs.$needId_.edit.tsx',
		intent: 'submit',
		action: needEditAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'], // saved, but the submit half is refused (checked)
		req: (w) => ({ url: `/needs/${w.needs.needDraft}/edit`, params: { needId: w.needs.needDraft }, form: { ...needForm({ title: '改过再提交' }), intent: 'submit' } }),
		check: async (w, who) => expect(await needStatus(w.needs.needDraft)).toBe(who === 'plainMember' ? 'draft' : 'submitted'),
	},
	...(
		[
			['submit', (w: World) => w.needs.needDraft, {}, [], 'vAOwner', (w: World) => needStatus(w.needs.needDraft), 'submitted'],
			['review', (w: World) => w.needs.needSubmitted, { decision: 'publish' }, ['nationalAdmin'], 'offA', (w: World) => needStatus(w.needs.needSubmitted), 'published'],
			['close', (w: World) => w.needs.needPub2, { note: '已自行解决' }, ['nationalAdmin'], 'vAOwner', (w: World) => needStatus(w.needs.needPub2), 'closed'],
			['cancel', (w: World) => w.needs.needPub2, { reason: '不需要了' }, [], 'vAOwner', (w: World) => needStatus(w.needs.needPub2), 'cancelled'],
			['reconfirm', (w: World) => w.needs.needPub2, { neededBy: dateIn(90) }, [], 'vAOwner', (w: World) => needStatus(w.needs.needPub2), 'published'],
			['duplicate', (w: World) => w.needs.needSubmitted, { duplicateOf: '' }, ['nationalAdmin'], 'offA', (w: World) => needStatus(w.needs.needSubmitted), 'duplicate'],
		] as const
	).map(
		([intent, target, form, allow, owner, read, want]): Row => ({
			file: 'needs.$needId.tsx',
			intent,
			action: needAction,
			owner,
			member: 'vAMember',
			allow,
			req: (w) => ({
				url: `/needs/${target(w)}`,
				params: { needId: target(w) },
				form: { intent, ...form, ...(intent === 'duplicate' ? { duplicateOf: w.needs.needPub } : {}) },
			}),
			check: async (w) => {
				expect(await read(w)).toBe(want)
				if (intent === 'reconfirm') {
					const n = await db().selectFrom('need').select('neededBy').where('id', '=', w.needs.needPub2).executeTakeFirstOrThrow()
					expect(Number(n.neededBy)).toBeGreaterThan(Date.now() + 80 * 86_400_000)
				}
			},
		}),
	),
	{
		file: 'needs.$needId.tsx',
		intent: 'add-photo',
		action: needAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'],
		req: (w) => ({ url: `/needs/${w.needs.needDraft}`, params: { needId: w.needs.needDraft }, form: { intent: 'add-photo' }, files: [photoFile()] }),
		check: async (w) => expect(await db().selectFrom('upload').select('id').where('ownerId', '=', w.needs.needDraft).execute()).toHaveLength(2),
	},
	{
		file: 'needs.$needId.tsx',
		intent: 'remove-photo',
		action: needAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ['plainMember'],
		req: (w) => ({ url: `/needs/${w.needs.needDraft}`, params: { needId: w.needs.needDraft }, form: { intent: 'remove-photo', uploadId: w.photo } }),
		check: async (w) => expect(await db().selectFrom('upload').select('id').where('id', '=', w.photo).executeTakeFirst()).toBeUndefined(),
	},
	{
		file: 'review_.needs.tsx',
		intent: 'post',
		action: reviewNeedsAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: '/review/needs', form: { needId: w.needs.needSubmitted, decision: 'return', reason: '请补充预算明细' } }),
		check: async (w) => expect(await needStatus(w.needs.needSubmitted)).toBe('returned'),
	},
	{
		file: 'needs.import.tsx',
		intent: 'preview',
		action: needImportAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		// An official elsewhere gets the report with every row refused for jurisdiction (no signature).
		refusal: { officialOut: { status: 400, message: /import\.errors\.outside_jurisdiction/ } },
		req: () => ({ url: '/needs/import', form: { intent: 'preview' }, files: [importFile()] }),
		// A preview writes nothing by design: allowed means a signed upload came back.
		check: async () => {},
	},
	{
		file: 'needs.import.tsx',
		intent: 'commit',
		action: needImportAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		// The commit carries a preview signed for the official who previewed: anyone else's is stale.
		refusal: { officialOut: { status: 400, message: /import\.errors\.stale/ } },
		req: async (w, who) => {
			const upload = (await signedUpload(w, who)) ?? (await signedUpload(w, 'owner'))
			return { url: '/needs/import', form: { intent: 'commit', ...(upload as Record<string, string>) }, multipart: true }
		},
		check: async () => expect((await newestNeed()).title).toBe('批量导入的需求'),
	},
	// ---- offers ------------------------------------------------------------------------------
	{
		file: 'offers.new.tsx',
		intent: 'save',
		action: newOfferAction,
		owner: 'p1Owner',
		member: 'p1Member',
		allow: ['plainMember'], // any member of a verified provider writes drafts (offer.server.ts)
		req: (w, who) => ({ url: '/offers/new', form: { ...offerForm({ title: '新的供给' }), orgId: who === 'suspendedMember' ? w.orgs.PS : w.orgs.P1, intent: 'save' } }),
		check: async (w) => expect(await count('offer', ['providerOrgId', w.orgs.P1])).toBe(4),
	},
	...(
		[
			['publish', 'offerDraft', {}, 'active'],
			['pause', 'offerPub', { note: '暂停' }, 'paused'],
			['resume', 'offerPaused', {}, 'active'],
			['withdraw', 'offerPub', { note: '不再提供' }, 'withdrawn'],
		] as const
	).map(
		([intent, key, form, want]): Row => ({
			file: 'offers.$offerId.tsx',
			intent,
			action: offerAction,
			owner: 'p1Owner',
			member: 'p1Member',
			req: (w, who) => {
				const id = who === 'suspendedMember' && (intent === 'publish' || intent === 'withdraw') ? w.offers.offerPS : w.offers[key]
				return { url: `/offers/${id}`, params: { offerId: id }, form: { intent, ...form } }
			},
			check: async (w) => expect(await offerStatus(w.offers[key])).toBe(want),
		}),
	),
	{
		file: 'offers.$offerId_.edit.tsx',
		intent: 'save',
		action: offerEditAction,
		owner: 'p1Owner',
		member: 'p1Member',
		allow: ['plainMember'], // a draft: any member may edit it (offer.server.ts)
		req: (w, who) => {
			const id = who === 'suspendedMember' ? w.offers.offerPS : w.offers.offerDraft
			return { url: `/offers/${id}/edit`, params: { offerId: id }, form: { ...offerForm({ title: '改过的供给' }), intent: 'save' } }
		},
		check: async (w) => expect((await db().selectFrom('offer').select('title').where('id', '=', w.offers.offerDraft).executeTakeFirstOrThrow()).title).toBe('改过的供给'),
	},
	// ---- projects ----------------------------------------------------------------------------
	{
		file: 'projects.new.tsx',
		intent: 'save',
		action: newProjectAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => ({ url: '/projects/new', form: { ...projectForm({ title: '新项目' }), orgId: who === 'suspendedMember' ? w.orgs.PS : w.orgs.P1, intent: 'save' } }),
		check: async (w) => expect(await count('project', ['enterpriseOrgId', w.orgs.P1])).toBe(3),
	},
	{
		file: 'projects.$projectId.tsx',
		intent: 'start',
		action: projectAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => {
			const id = who === 'suspendedMember' ? w.projects.projectPS : w.projects.projectPlanned
			return { url: `/projects/${id}`, params: { projectId: id }, form: { intent: 'start' } }
		},
		check: async (w) => expect((await projectRow(w.projects.projectPlanned)).status).toBe('running'),
	},
	{
		file: 'projects.$projectId.tsx',
		intent: 'complete',
		action: projectAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w) => ({ url: `/projects/${w.projects.projectRunning}`, params: { projectId: w.projects.projectRunning }, form: { intent: 'complete' } }),
		check: async (w) => expect((await projectRow(w.projects.projectRunning)).status).toBe('completed'),
	},
	{
		file: 'projects.$projectId.tsx',
		intent: 'add-update',
		action: projectAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w) => ({ url: `/projects/${w.projects.projectRunning}`, params: { projectId: w.projects.projectRunning }, form: { intent: 'add-update', body: '车间封顶', happenedOn: dateIn(-1) } }),
		check: async (w) => expect(await db().selectFrom('projectUpdate').select('id').where('projectId', '=', w.projects.projectRunning).execute()).toHaveLength(1),
	},
	{
		file: 'projects.$projectId.tsx',
		intent: 'verify-investment',
		action: projectAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: `/projects/${w.projects.projectRunning}`, params: { projectId: w.projects.projectRunning }, form: { intent: 'verify-investment', verifiedInvestment: '1000000' } }),
		check: async (w) => expect(Number((await projectRow(w.projects.projectRunning)).verifiedInvestment)).toBe(100_000_000),
	},
	{
		file: 'projects.$projectId_.edit.tsx',
		intent: 'save',
		action: projectEditAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => {
			const id = who === 'suspendedMember' ? w.projects.projectPS : w.projects.projectPlanned
			return { url: `/projects/${id}/edit`, params: { projectId: id }, form: { ...projectForm({ title: '改过的项目' }), intent: 'save' } }
		},
		check: async (w) => expect((await projectRow(w.projects.projectPlanned)).title).toBe('改过的项目'),
	},
	// ---- commitments -------------------------------------------------------------------------
	{
		file: 'commitments.new.tsx',
		intent: 'post',
		action: newCommitmentAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => ({
			url: `/commitments/new?need=${w.needs.needPub}`,
			form: { needId: w.needs.needPub, providerOrgId: who === 'suspendedMember' ? w.orgs.PS : w.orgs.P1, amount: '500', dueAt: dateIn(30), message: '分两批交付' },
		}),
		check: async (w) => expect(await count('commitment', ['needId', w.needs.needPub])).toBe(10),
	},
	...(
		[
			// [intent, target, PS's own target for the suspended member, form, owner, member, allow, want]
			['accept', 'cPledged', null, {}, 'vAOwner', 'vAMember', [], 'accepted'],
			['decline', 'cPledged', null, { reason: '已有其他单位承担' }, 'vAOwner', 'vAMember', [], 'declined'],
			['withdraw', 'cPledged', 'cPSPledged', { reason: '资金调整' }, 'p1Owner', 'p1Member', [], 'withdrawn'],
			['start', 'cAccepted', 'cPSAccepted', {}, 'p1Owner', 'p1Member', [], 'in_delivery'],
			['add-milestone', 'cDelivering', 'cPSDelivering', { title: '第二批', dueAt: dateIn(20), share: '30' }, 'p1Owner', 'p1Member', [], null],
			['confirm-milestone', 'cDelivering', null, {}, 'vAOwner', 'vAMember', [], null],
			['confirm-delivery', 'cDelivering', null, { deliveredAmount: '1000' }, 'vAOwner', 'vAMember', [], 'delivered'],
			['verify', 'cDelivered', null, { note: '已核验' }, 'offA', 'vAMember', ['nationalAdmin'], 'verified'],
			['dispute', 'cDelivered', null, { reason: '数量不符' }, 'offA', 'vAMember', ['nationalAdmin'], 'disputed'],
			['feedback', 'cVerified', 'cPSVerified', { rating: '5', comment: '很及时' }, 'vAOwner', 'vAMember', [], null],
		] as const
	).map(
		([intent, key, psKey, form, owner, member, allow, want]): Row => ({
			file: 'commitments.$commitmentId.tsx',
			intent,
			action: commitmentAction,
			owner,
			member,
			allow,
			req: (w, who) => {
				const id = who === 'suspendedMember' && psKey ? w.commitments[psKey] : w.commitments[key]
				return {
					url: `/commitments/${id}`,
					params: { commitmentId: id },
					form: { intent, ...form, ...(intent === 'confirm-milestone' ? { milestoneId: w.milestone } : {}) },
				}
			},
			check: async (w) => {
				const id = w.commitments[key]
				if (want) expect(await commitmentStatus(id)).toBe(want)
				if (intent === 'add-milestone') expect(await db().selectFrom('commitmentMilestone').select('id').where('commitmentId', '=', id).execute()).toHaveLength(2)
				if (intent === 'confirm-milestone') expect((await db().selectFrom('commitmentMilestone').select('status').where('id', '=', w.milestone).executeTakeFirstOrThrow()).status).not.toBe('pending')
				if (intent === 'feedback') expect(await db().selectFrom('commitmentFeedback').select('side').where('commitmentId', '=', id).execute()).toHaveLength(1)
			},
		}),
	),
	{
		file: 'commitments.$commitmentId.tsx',
		intent: 'post-update',
		action: commitmentAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => {
			const id = who === 'suspendedMember' ? w.commitments.cPSDelivering : w.commitments.cDelivering
			return { url: `/commitments/${id}`, params: { commitmentId: id }, form: { intent: 'post-update', body: '第一批物资已发出' }, multipart: true }
		},
		check: async (w) => expect(await db().selectFrom('commitmentUpdate').select('id').where('commitmentId', '=', w.commitments.cDelivering).execute()).toHaveLength(2),
	},
	// ---- organizations, pairings, regions ------------------------------------------------------
	{
		file: 'orgs.new.tsx',
		intent: 'post',
		action: newOrgAction,
		owner: 'newcomer',
		member: 'p1Member',
		allow: SIGNED_IN, // any signed-in account may register an org; it starts pending
		req: () => ({ url: '/orgs/new', form: { kind: 'social_org', name: '某某公益协会' } }),
		check: async (_w, _who, account) => expect(await db().selectFrom('organization').select('status').where('createdBy', '=', account as string).where('name', '=', '某某公益协会').executeTakeFirstOrThrow()).toEqual({ status: 'pending' }),
	},
	{
		file: 'orgs.$orgId.tsx',
		intent: 'review',
		action: orgAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: `/orgs/${w.orgs.pendingVillage}`, params: { orgId: w.orgs.pendingVillage }, form: { intent: 'review', decision: 'verify', reason: '材料齐全' } }),
		check: async (w) => expect((await db().selectFrom('organization').select('status').where('id', '=', w.orgs.pendingVillage).executeTakeFirstOrThrow()).status).toBe('verified'),
	},
	{
		file: 'review.tsx',
		intent: 'post',
		action: reviewAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: '/review', form: { orgId: w.orgs.pendingVillage, decision: 'reject', reason: '材料不全' } }),
		check: async (w) => expect((await db().selectFrom('organization').select('status').where('id', '=', w.orgs.pendingVillage).executeTakeFirstOrThrow()).status).toBe('rejected'),
	},
	{
		file: 'orgs.$orgId.tsx',
		intent: 'add-member',
		action: orgAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => {
			const org = who === 'suspendedMember' ? w.orgs.PS : w.orgs.P1
			return { url: `/orgs/${org}`, params: { orgId: org }, form: { intent: 'add-member', email: w.emails.newcomer, role: 'member' } }
		},
		check: async (w) => expect(await db().selectFrom('membership').select('role').where('orgId', '=', w.orgs.P1).where('accountId', '=', w.ids.newcomer).executeTakeFirst()).toEqual({ role: 'member' }),
	},
	{
		file: 'orgs.$orgId.tsx',
		intent: 'remove-member',
		action: orgAction,
		owner: 'p1Owner',
		member: 'p1Member',
		req: (w, who) => {
			const [org, account] = who === 'suspendedMember' ? [w.orgs.PS, w.ids.psMember] : [w.orgs.P1, w.ids.p1Admin]
			return { url: `/orgs/${org}`, params: { orgId: org }, form: { intent: 'remove-member', accountId: account } }
		},
		check: async (w) => expect(await db().selectFrom('membership').select('role').where('orgId', '=', w.orgs.P1).where('accountId', '=', w.ids.p1Admin).executeTakeFirst()).toBeUndefined(),
	},
	{
		file: 'pairings.tsx',
		intent: 'create',
		action: pairingsAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: '/pairings', form: { intent: 'create', kind: 'twinning', providerOrgId: w.orgs.P1, recipientRegionCode: '513431100202', startedYear: '2023' } }),
		check: async () => expect(await count('pairing', ['recipientRegionCode', '513431100202'])).toBe(1),
	},
	{
		file: 'pairings.tsx',
		intent: 'end',
		action: pairingsAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: '/pairings', form: { intent: 'end', pairingId: w.pairing } }),
		check: async (w) => expect((await db().selectFrom('pairing').select('status').where('id', '=', w.pairing).executeTakeFirstOrThrow()).status).toBe('ended'),
	},
	{
		file: 'regions.$code.tsx',
		intent: 'key-county',
		action: regionAction,
		owner: 'admin',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: () => ({ url: `/regions/${COUNTY_B}`, params: { code: COUNTY_B }, form: { intent: 'key-county', isKeyCounty: '1' } }),
		check: async () => expect((await db().selectFrom('region').select('isKeyCounty').where('code', '=', COUNTY_B).executeTakeFirstOrThrow()).isKeyCounty).toBe(1),
	},
	// ---- supervision: targets, appraisals, reports, interviews, accountability ------------------
	...(['set-target', 'clear-target'] as const).flatMap((intent): Row[] => {
		const form: Record<string, string> = intent === 'set-target' ? { intent, indicator: 'jobs', target: '25', year: String(YEAR) } : { intent, indicator: 'jobs', year: String(YEAR) }
		const orgForm: Record<string, string> = { ...form, indicator: 'trained' }
		const target = (subjectType: string, subjectId: string, indicator: string) =>
			db().selectFrom('indicatorTarget').select('target').where('subjectType', '=', subjectType as 'region').where('subjectId', '=', subjectId).where('indicator', '=', indicator as 'jobs').executeTakeFirst()
		return [
			{
				file: 'dashboard._index.tsx',
				intent,
				action: dashboardAction,
				owner: 'offA',
				member: 'vAMember',
				allow: ['nationalAdmin'],
				req: () => ({ url: `/dashboard?region=${COUNTY_A}`, form }),
				check: async () => {
					const t = await target('region', COUNTY_A, 'jobs')
					if (intent === 'set-target') expect(Number(t?.target)).toBe(25)
					else expect(t).toBeUndefined()
				},
			},
			{
				file: 'dashboard.orgs.$orgId.tsx',
				intent,
				action: dashboardOrgAction,
				owner: 'offA',
				member: 'p1Member',
				allow: ['nationalAdmin'],
				req: (w) => ({ url: `/dashboard/orgs/${w.orgs.P1}`, params: { orgId: w.orgs.P1 }, form: orgForm }),
				check: async (w) => {
					const t = await target('org', w.orgs.P1, 'trained')
					if (intent === 'set-target') expect(Number(t?.target)).toBe(25)
					else expect(t).toBeUndefined()
				},
			},
		]
	}),
	{
		file: 'appraisals.$subjectType.$subjectId.tsx',
		intent: 'post',
		action: appraisalAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: () => ({ url: `/appraisals/region/${COUNTY_A}?year=${YEAR}`, params: { subjectType: 'region', subjectId: COUNTY_A }, form: { grade: 'fairly_good', comment: '资金核验过半，就业目标完成。' } }),
		check: async () => expect(await db().selectFrom('appraisal').select('grade').where('subjectId', '=', COUNTY_A).executeTakeFirst()).toEqual({ grade: 'fairly_good' }),
	},
	{
		file: 'reports.$subjectType.$subjectId.tsx',
		intent: 'post',
		action: reportAction,
		owner: 'offA',
		member: 'vAMember',
		allow: ['nationalAdmin'],
		req: () => ({ url: `/reports/region/${COUNTY_A}?year=${YEAR}`, params: { subjectType: 'region', subjectId: COUNTY_A }, form: { problems: '进度偏慢', nextSteps: '加强调度' } }),
		check: async () => expect(await db().selectFrom('workReport').select('problems').where('subjectId', '=', COUNTY_A).executeTakeFirst()).toEqual({ problems: '进度偏慢' }),
	},
	{
		file: 'supervision.interviews._index.tsx',
		intent: 'post',
		action: newInterviewAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({
			url: '/supervision/interviews',
			form: { subjectType: 'org', subjectId: w.orgs.P1, heldOn: dateIn(0), attendees: '企业负责人', issues: '进度滞后', rectification: '限期整改', deadline: dateIn(15) },
		}),
		check: async (w) => expect(await count('interview', ['subjectId', w.orgs.P1])).toBe(2),
	},
	{
		file: 'supervision.interviews.$interviewId.tsx',
		intent: 'post',
		action: followUpAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: `/supervision/interviews/${w.interview}`, params: { interviewId: w.interview }, form: { note: '已交付', statusTo: 'rectified' } }),
		check: async (w) => expect((await db().selectFrom('interview').select('status').where('id', '=', w.interview).executeTakeFirstOrThrow()).status).toBe('rectified'),
	},
	{
		file: 'supervision.accountability._index.tsx',
		intent: 'post',
		action: newRecordAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: '/supervision/accountability', form: { subjectType: 'org', subjectId: w.orgs.P1, failure: '多次逾期', measures: '约谈并通报' } }),
		check: async (w) => expect(await count('accountabilityRecord', ['subjectId', w.orgs.P1])).toBe(1),
	},
	{
		file: 'supervision.accountability.$recordId.tsx',
		intent: 'post',
		action: closeRecordAction,
		owner: 'offA',
		member: 'p1Member',
		allow: ['nationalAdmin'],
		req: (w) => ({ url: `/supervision/accountability/${w.record}`, params: { recordId: w.record }, form: { note: '已整改' } }),
		check: async (w) => expect((await db().selectFrom('accountabilityRecord').select('status').where('id', '=', w.record).executeTakeFirstOrThrow()).status).toBe('closed'),
	},
	// ---- commendations -----------------------------------------------------------------------
	{
		file: 'commendations.new.tsx',
		intent: 'post',
		action: newCampaignAction,
		owner: 'offA',
		member: 'p1Member',
		// Organized by 昭觉县's bureau: an official elsewhere may not organize it (their own county's would
		// be theirs), nor may a national admin who is no member of it (county campaigns are the county's;
		// national ones the admins'). The model refuses by the field.
		refusal: {
			officialOut: { status: 400, message: /commendation\.errors\.organizer_invalid/ },
			nationalAdmin: { status: 400, message: /commendation\.errors\.organizer_invalid/ },
		},
		req: (w) => ({ url: '/commendations/new', form: campaignForm({ title: '新的表彰', organizerOrgId: w.orgs.govA }) }),
		check: async () => expect(await count('campaign', ['title', '新的表彰'])).toBe(1),
	},
	...(
		[
			// [intent, campaign, form, owner, allow, check]
			// National admins manage every campaign, and nominate as officials (authorize-commendation.server.ts).
			['open', 'kDraft', {}, 'offA', ['nationalAdmin'], (w: World) => campaignStatus(w.campaigns.kDraft), 'nominating'],
			['cancel', 'kDraft', { reason: '工作调整' }, 'offA', ['nationalAdmin'], (w: World) => campaignStatus(w.campaigns.kDraft), 'cancelled'],
			['start-review', 'kOpen', {}, 'offA', ['nationalAdmin'], (w: World) => campaignStatus(w.campaigns.kOpen), 'reviewing'],
			['nominate', 'kOpen', { category: 'advanced_collective', citation: '三年帮扶花椒产业' }, 'p1Owner', ['nationalAdmin'], (w: World) => count('nomination', ['campaignId', w.campaigns.kOpen]), 1],
			['review', 'kReview', { score: '88', comment: '事迹突出' }, 'offA', ['nationalAdmin'], async (w: World) => Number((await db().selectFrom('nominationReview').select('score').where('nominationId', '=', w.nominations.nReview).executeTakeFirst())?.score), 88],
			['reject', 'kReview', { reason: '不符合条件' }, 'offA', ['nationalAdmin'], async (w: World) => (await db().selectFrom('nomination').select('status').where('id', '=', w.nominations.nReview).executeTakeFirstOrThrow()).status, 'rejected'],
			['start-notice', 'kReview', { noticeStartsOn: dateIn(0), noticeEndsOn: dateIn(10) }, 'offA', ['nationalAdmin'], (w: World) => campaignStatus(w.campaigns.kReview), 'notice'],
			['object', 'kNotice', { reason: '事迹不实' }, 'vBOwner', SIGNED_IN, (w: World) => count('objection', ['nominationId', w.nominations.nNotice]), 2],
			['resolve', 'kNotice', { decision: 'dismissed', resolution: '经核实无误' }, 'offA', ['nationalAdmin'], async (w: World) => (await db().selectFrom('objection').select('status').where('id', '=', w.objection).executeTakeFirstOrThrow()).status, 'dismissed'],
			['decide', 'kDecide', {}, 'offA', ['nationalAdmin'], (w: World) => campaignStatus(w.campaigns.kDecide), 'decided'],
		] as const
	).map(
		([intent, key, form, owner, allow, read, want]): Row => ({
			file: 'commendations.$campaignId.tsx',
			intent,
			action: campaignAction,
			owner,
			member: 'p1Member',
			allow,
			req: (w, who) => {
				const id = w.campaigns[key]
				const extra: Record<string, FormValue> =
					intent === 'nominate'
						? { orgId: who === 'suspendedMember' ? w.orgs.PS : w.orgs.P1 }
						: intent === 'review' || intent === 'reject'
							? { nominationId: w.nominations.nReview }
							: intent === 'start-notice'
								? { shortlist: [w.nominations.nReview] }
								: intent === 'object'
									? { nominationId: w.nominations.nNotice }
									: intent === 'resolve'
										? { objectionId: w.objection }
										: {}
				return { url: `/commendations/${id}`, params: { campaignId: id }, form: { intent, ...form, ...extra } }
			},
			check: async (w) => expect(await read(w)).toBe(want),
		}),
	),
	// ---- the account's own things ------------------------------------------------------------
	{
		file: 'inbox.tsx',
		intent: 'mark-read',
		action: inboxAction,
		owner: 'vAOwner',
		member: 'vAMember',
		// markRead puts the account in its where: someone else's notification id changes nothing,
		// and the route answers with the same redirect (a refusal that tells nothing).
		refusal: Object.fromEntries(SIGNED_IN.map((r) => [r, { status: 302, silent: true }])),
		req: (w) => ({ url: '/inbox', form: { intent: 'mark-read', id: w.notification } }),
		check: async (w) => expect((await db().selectFrom('notification').select('readAt').where('id', '=', w.notification).executeTakeFirstOrThrow()).readAt).not.toBeNull(),
	},
	{
		file: 'inbox.tsx',
		intent: 'mark-all',
		action: inboxAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: SIGNED_IN, // one's own notifications only (checked: the village owner's stay unread)
		req: () => ({ url: '/inbox', form: { intent: 'mark-all' } }),
		check: async (w, who, account) => {
			const unread = await db().selectFrom('notification').select(['accountId']).where('readAt', 'is', null).execute()
			expect(unread.filter((n) => n.accountId === account)).toEqual([])
			if (who !== 'owner') expect(unread.some((n) => n.accountId === w.ids.vAOwner)).toBe(true)
		},
	},
	{
		file: 'settings.tsx',
		intent: 'password',
		action: settingsAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: SIGNED_IN, // one's own password, proven by the current one
		req: () => ({ url: '/settings', form: { intent: 'password', currentPassword: TEST_PASSWORD, newPassword: 'Another-Pass-2027', confirmPassword: 'Another-Pass-2027' } }),
		check: async (w, _who, account) => {
			const mine = await db().selectFrom('account').select('passwordHash').where('id', '=', account as string).executeTakeFirstOrThrow()
			expect(mine.passwordHash).not.toBe(w.passwordHashes[account as string])
		},
	},
	{
		file: 'settings.tsx',
		intent: 'create-token',
		action: settingsAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: SIGNED_IN, // a token for one's own account
		req: () => ({ url: '/settings', form: { intent: 'create-token', name: '县级数据平台', scope: 'read', expiresInDays: '30' } }),
		check: async (_w, _who, account) => expect(await count('apiToken', ['accountId', account as string])).toBeGreaterThanOrEqual(1),
	},
	{
		file: 'settings.tsx',
		intent: 'revoke-token',
		action: settingsAction,
		owner: 'vAOwner',
		member: 'vAMember',
		req: (w) => ({ url: '/settings', form: { intent: 'revoke-token', tokenId: w.tokenA } }),
		check: async (w) => expect((await db().selectFrom('apiToken').select('revokedAt').where('id', '=', w.tokenA).executeTakeFirstOrThrow()).revokedAt).not.toBeNull(),
	},
	// ---- public forms: nothing to authorize; every role (anonymous included) is allowed -------------
	{
		file: 'lang.tsx',
		intent: 'post',
		action: langAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ROLES,
		req: () => ({ url: '/lang', form: { lng: 'en', redirectTo: '/needs' } }),
		check: async () => {},
	},
	{
		file: 'login.tsx',
		intent: 'post',
		action: loginAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ROLES,
		req: (w) => ({ url: '/login', form: { identifier: w.emails.vAOwner, password: TEST_PASSWORD, redirectTo: '/' } }),
		check: async (w) => expect(await count('session', ['accountId', w.ids.vAOwner])).toBe(2),
	},
	{
		file: 'signup.tsx',
		intent: 'post',
		action: signupAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ROLES,
		req: () => ({ url: '/signup', form: { email: 'fresh@example.cn', username: 'freshuser', displayName: '新用户', password: 'Kq7-Lantern-Orbit-93' } }),
		check: async () => expect(await count('account', ['username', 'freshuser'])).toBe(1),
	},
	{
		file: 'logout.tsx',
		intent: 'post',
		action: logoutAction,
		owner: 'vAOwner',
		member: 'vAMember',
		allow: ROLES,
		req: () => ({ url: '/logout', form: {} }),
		// One's own session ends; anonymous has none (nothing changes).
		check: async (_w, _who, account) => {
			if (account) expect(await count('session', ['accountId', account])).toBe(0)
		},
	},
]

// ---- the spreadsheet import's preview/commit handshake --------------------------------------------

const IMPORT_HEADERS = ['村代码', '需求标题', '需求说明', '类别', '计量方式', '金额（元）', '数量', '单位', '受益人数', '紧急程度', '需要日期']
function importFile(): FileField {
	const rows = [IMPORT_HEADERS, [VILLAGE_A, '批量导入的需求', '', '产业振兴', '资金（元）', '1000', '', '', '', '紧急', dateIn(20)]]
	return { field: 'file', name: 'needs.csv', bytes: new TextEncoder().encode(`\uFEFF${rows.map((r) => r.join(',')).join('\r\n')}\r\n`), type: 'text/csv' }
}

/** A preview as `who` (writes nothing); its signed upload, when the preview was clean. */
async function signedUpload(w: World, who: Who): Promise<Record<string, string> | null> {
	const key = who === 'owner' ? 'offA' : who === 'plainMember' ? 'vAMember' : ROLE_ACCOUNT[who]
	if (!key) return null
	const res = await runRoute(needImportAction as never, post(w.cookies[key], '/needs/import', { intent: 'preview' }, { files: [importFile()] }))
	const upload = (res.data as { upload?: Record<string, string | number> | null } | null)?.upload
	return upload ? Object.fromEntries(Object.entries(upload).map(([k, v]) => [k, String(v)])) : null
}
