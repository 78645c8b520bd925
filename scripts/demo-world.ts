// The demo world: verified orgs of every kind around one real national key county (紫云苗族布依族
// 自治县, 贵州省安顺市), pairings, and demo accounts. Every org is marked `is_demo` and named
// 【演示】; it is seeded only into an empty database (see scripts/setup.ts).
import type { Kysely } from 'kysely'
import type { DB, OrgKind } from '#db/schema.ts'
import { createAccount } from '#app/models/account.server.ts'
import { addMember, createOrganization, reviewOrganization } from '#app/models/organization.server.ts'
import { createPairing } from '#app/models/pairing.server.ts'
import { type Actor, loadActor } from '#app/models/policy.server.ts'
import { createNeed, reviewNeed, submitNeed } from '#app/models/need.server.ts'
import { createOffer, transitionOffer } from '#app/models/offer.server.ts'
import { addProjectUpdate, createProject, transitionProject, verifyProjectInvestment } from '#app/models/project.server.ts'
import { acceptCommitment, confirmDelivery, createCommitment, startDelivery, verifyCommitment } from '#app/models/commitment.server.ts'
import { setTarget } from '#app/models/indicator-target.server.ts'
import { loadSubject } from '#app/models/subject.server.ts'
import { DAY_MS, chinaDayStart, chinaYearOf, formatChinaDate } from '#app/utils/china-date.ts'
import { usccCheckChar } from '#app/utils/uscc.ts'

export const DEMO_PASSWORD = process.env.BANGFU_DEMO_PASSWORD || 'Bangfu-Demo-2026'

export const DEMO = {
	province: '520000000000', // 贵州省
	county: '520425000000', // 紫云苗族布依族自治县 (national key county)
	township: '520425102000', // 猴场镇
	village: '520425102201', // 猴场村
	village2: '520425102202', // 坪阳村
	pendingVillage: '520425102211', // 大田村
	guangdong: '440000000000',
} as const

type DemoAccount = { username: string; displayName: string; role: string }

function uscc(first17: string) {
	return first17 + usccCheckChar(first17)
}

export async function isDemoSeeded(db: Kysely<DB>) {
	return !!(await db.selectFrom('organization').select('id').where('isDemo', '=', 1).limit(1).executeTakeFirst())
}

/** Throws if the regions it needs are missing (import the divisions of 贵州 first). */
export async function seedDemoWorld(db: Kysely<DB>): Promise<DemoAccount[]> {
	const needed = Object.values(DEMO)
	const found = await db.selectFrom('region').select('code').where('code', 'in', needed).execute()
	const missing = needed.filter((c) => !found.some((f) => f.code === c))
	if (missing.length) throw new Error(`demo world needs regions ${missing.join(', ')}: run npm run import-divisions (with the villages of 52) first`)

	const accounts: DemoAccount[] = []
	const actors = new Map<string, Actor>()
	async function account(username: string, displayName: string, role: string) {
		const a = await createAccount(db, { email: `${username}@demo.bangfu.cn`, username, displayName, password: DEMO_PASSWORD })
		accounts.push({ username, displayName, role })
		return a.id
	}
	async function actor(accountId: string) {
		const a = await loadActor(db, accountId)
		if (!a) throw new Error('demo account vanished')
		actors.set(accountId, a)
		return a
	}
	// Verifying needs someone above the org; the seeding process stands in for the national level.
	const seeder = (accountId: string): Actor => ({ accountId, displayName: 'seed', isNationalAdmin: true, memberships: [] })

	async function org(ownerId: string, input: Record<string, unknown> & { kind: OrgKind; name: string }, verifierId: string | null) {
		const { id } = await createOrganization(db, input, await actor(ownerId))
		await db.updateTable('organization').set({ isDemo: 1 }).where('id', '=', id).execute()
		if (verifierId) await reviewOrganization(db, id, { decision: 'verify', reason: '演示数据' }, seeder(verifierId))
		return id
	}

	const provinceOfficial = await account('demo-province', '【演示】贵州省乡村振兴局 王处长', '省级官员 provincial official')
	await org(provinceOfficial, { kind: 'government', name: '【演示】贵州省乡村振兴局', regionCode: DEMO.province, description: '演示用省级主管部门' }, provinceOfficial)
	const countyOfficial = await account('demo-county', '【演示】紫云县农业农村局 李科长', '县级官员 county official')
	await org(countyOfficial, { kind: 'government', name: '【演示】紫云县农业农村局（乡村振兴局）', regionCode: DEMO.county }, provinceOfficial)
	const townshipOfficial = await account('demo-township', '【演示】猴场镇 张镇长', '乡镇官员 township official')
	await org(townshipOfficial, { kind: 'government', name: '【演示】猴场镇人民政府', regionCode: DEMO.township }, countyOfficial)

	const cadre = await account('demo-village', '【演示】猴场村 杨书记', '村干部 village cadre')
	await org(cadre, { kind: 'village', name: '【演示】猴场村村民委员会', villageCode: DEMO.village, contactName: '杨书记' }, townshipOfficial)
	const cadre2 = await account('demo-village2', '【演示】坪阳村 罗主任', '村干部 village cadre')
	await org(cadre2, { kind: 'village', name: '【演示】坪阳村村民委员会', villageCode: DEMO.village2 }, townshipOfficial)
	const pendingCadre = await account('demo-village3', '【演示】大田村 吴主任', '村干部（待审核） village cadre, pending')
	await org(pendingCadre, { kind: 'village', name: '【演示】大田村村民委员会', villageCode: DEMO.pendingVillage }, null)

	const central = await account('demo-central', '【演示】中央某部委 帮扶办 刘主任', '中央单位 central unit')
	const centralOrg = await org(central, { kind: 'central_unit', name: '【演示】中央某部委', description: '演示用中央定点帮扶单位' }, provinceOfficial)
	const eastWest = await account('demo-eastwest', '【演示】广东省协作办 陈主任', '东西部协作 East–West partner')
	await org(eastWest, { kind: 'east_west_partner', name: '【演示】广东省东西部协作工作组', regionCode: DEMO.guangdong }, provinceOfficial)
	const massOrg = await account('demo-massorg', '【演示】贵州省妇联 赵部长', '群团组织 mass organization')
	await org(massOrg, { kind: 'mass_org', subtype: 'womens_federation', name: '【演示】贵州省妇女联合会', regionCode: DEMO.province }, provinceOfficial)
	const enterprise = await account('demo-enterprise', '【演示】黔山农业 周经理', '企业 enterprise')
	const enterpriseOrg = await org(
		enterprise,
		{ kind: 'enterprise', name: '【演示】黔山农业发展有限公司', uscc: uscc('91520425MA6DE4X01'), regionCode: DEMO.county },
		countyOfficial,
	)
	const social = await account('demo-social', '【演示】乡村发展基金会 孙秘书长', '社会组织 social organization')
	await org(social, { kind: 'social_org', name: '【演示】乡村发展公益基金会', regionCode: '110000000000' }, provinceOfficial)
	await account('demo-pending', '【演示】待审核企业 钱经理', '企业（待审核） enterprise, pending').then((id) =>
		org(id, { kind: 'enterprise', name: '【演示】紫云红薯加工合作社', uscc: uscc('93520425MA6DE4X02'), regionCode: DEMO.county }, null),
	)

	// A second member in the village org, to show roles.
	const clerk = await account('demo-clerk', '【演示】猴场村 文书', '村文书 village clerk (member)')
	const villageOrg = await db.selectFrom('organization').select('id').where('villageCode', '=', DEMO.village).executeTakeFirstOrThrow()
	await addMember(db, villageOrg.id, { email: 'demo-clerk@demo.bangfu.cn', role: 'member' }, await actor(cadre))
	void clerk

	const province = await actor(provinceOfficial)
	await createPairing(db, { kind: 'targeted', providerOrgId: centralOrg, recipientRegionCode: DEMO.county, startedYear: 2021, note: '演示：定点帮扶' }, province)
	await createPairing(db, { kind: 'twinning', providerOrgId: enterpriseOrg, recipientRegionCode: DEMO.village, startedYear: 2022, note: '演示：万企兴万村结对' }, await actor(countyOfficial))

	const project = await seedListings(db, { cadre, cadre2, townshipOfficial, central, centralOrg, massOrg, enterprise, enterpriseOrg }, actor)
	await seedVerifiedWork(db, { cadre2, townshipOfficial, countyOfficial, enterprise, enterpriseOrg, project }, actor)
	return accounts
}

/** A few needs, offers and a CSR project in every state a visitor should see first. */
async function seedListings(
	db: Kysely<DB>,
	ids: { cadre: string; cadre2: string; townshipOfficial: string; central: string; centralOrg: string; massOrg: string; enterprise: string; enterpriseOrg: string },
	actor: (accountId: string) => Promise<Actor>,
) {
	const today = chinaDayStart(Date.now())
	const inDays = (n: number) => formatChinaDate(today + n * DAY_MS)
	const orgOf = async (accountId: string, kind: OrgKind) => {
		const row = await db
			.selectFrom('membership')
			.innerJoin('organization', 'organization.id', 'membership.orgId')
			.select('organization.id')
			.where('membership.accountId', '=', accountId)
			.where('organization.kind', '=', kind)
			.executeTakeFirstOrThrow()
		return row.id
	}
	const village = await orgOf(ids.cadre, 'village')
	const village2 = await orgOf(ids.cadre2, 'village')
	const cadre = await actor(ids.cadre)
	const cadre2 = await actor(ids.cadre2)
	const township = await actor(ids.townshipOfficial)

	const greenhouse = await createNeed(
		db,
		village,
		{
			title: '猴场村蔬菜大棚建设资金',
			description: '村里计划新建 20 个蔬菜大棚，带动 46 户脱贫户种植辣椒和番茄，需要建设资金。\n已有土地流转协议和合作社。',
			category: 'industry',
			measure: 'amount',
			amount: '200000',
			beneficiaries: '46',
			urgency: 'high',
			neededBy: inDays(90),
		},
		cadre,
	)
	await submitNeed(db, greenhouse.id, cadre)
	await reviewNeed(db, greenhouse.id, { decision: 'publish', note: '演示：审核通过' }, township)

	const teachers = await createNeed(
		db,
		village,
		{
			title: '村幼儿园教师培训（Training for village kindergarten teachers）',
			description: '希望为 12 名幼儿园教师和保育员提供为期两周的培训。',
			category: 'education',
			measure: 'quantity',
			quantity: '12',
			unit: '人',
			beneficiaries: '120',
			urgency: 'normal',
			neededBy: inDays(120),
		},
		cadre,
	)
	await submitNeed(db, teachers.id, cadre)

	const potatoes = await createNeed(
		db,
		village2,
		{
			title: '坪阳村红薯滞销，寻求消费帮扶采购',
			description: '今年红薯丰收，约 50 吨需要销售渠道，欢迎单位食堂和企业采购。',
			category: 'consumption',
			measure: 'quantity',
			quantity: '50',
			unit: '吨',
			beneficiaries: '85',
			urgency: 'critical',
			neededBy: inDays(30),
		},
		cadre2,
	)
	await submitNeed(db, potatoes.id, cadre2)
	await reviewNeed(db, potatoes.id, { decision: 'publish' }, township)

	const central = await actor(ids.central)
	const fund = await createOffer(
		db,
		ids.centralOrg,
		{
			title: '定点帮扶产业发展资金',
			description: '面向定点帮扶县的村级产业项目提供资金支持，优先支持带动脱贫户增收的项目。',
			categories: ['industry', 'infrastructure'],
			measure: 'amount',
			capacity: '1000000',
			coverage: 'pairings',
			validFrom: inDays(0),
			validUntil: inDays(365),
		},
		central,
	)
	await transitionOffer(db, fund.id, { action: 'publish' }, central)

	const massOrg = await actor(ids.massOrg)
	const massOrgId = await orgOf(ids.massOrg, 'mass_org')
	const training = await createOffer(
		db,
		massOrgId,
		{
			title: '巾帼家政技能培训',
			description: '妇联组织的家政、育婴、养老护理技能培训，每期 30 人，结业后推荐就业。',
			categories: ['talent', 'employment'],
			measure: 'quantity',
			capacity: '200',
			unit: '人',
			coverage: 'regions',
			regionCodes: [DEMO.province],
			validFrom: inDays(0),
			validUntil: inDays(300),
		},
		massOrg,
	)
	await transitionOffer(db, training.id, { action: 'publish' }, massOrg)

	const enterprise = await actor(ids.enterprise)
	const purchase = await createOffer(
		db,
		ids.enterpriseOrg,
		{
			title: '农产品消费帮扶采购',
			description: '公司食堂和门店长期采购脱贫地区农产品（蔬菜、红薯、茶叶等）。',
			categories: ['consumption'],
			measure: 'amount',
			unlimited: 'on',
			coverage: 'nationwide',
			validFrom: inDays(0),
			validUntil: inDays(365),
		},
		enterprise,
	)
	await transitionOffer(db, purchase.id, { action: 'publish' }, enterprise)

	const project = await createProject(
		db,
		ids.enterpriseOrg,
		{
			title: '猴场村红薯深加工产业项目',
			description: '建设红薯粉条加工车间，订单收购村民红薯，吸纳本村劳动力就业。',
			type: 'industry',
			villageCodes: [DEMO.village],
			plannedInvestment: '3000000',
			permanentJobs: '30',
			temporaryJobs: '80',
			peopleTrained: '120',
			startsOn: inDays(-60),
			endsOn: inDays(300),
		},
		enterprise,
	)
	await transitionProject(db, project.id, { action: 'start' }, enterprise)
	await addProjectUpdate(db, project.id, { body: '加工车间主体完工，首批 15 名村民完成岗前培训。', happenedOn: inDays(-5) }, enterprise)
	return project.id
}

/**
 * Help that has arrived and been verified, so the dashboards, the leaderboard and commendation
 * eligibility have figures to show: the enterprise pays for 坪阳村's water pipes (committed,
 * accepted, delivered, verified by the township), the county verifies the CSR project's actual
 * investment and sets this year's targets for the county.
 */
async function seedVerifiedWork(
	db: Kysely<DB>,
	ids: { cadre2: string; townshipOfficial: string; countyOfficial: string; enterprise: string; enterpriseOrg: string; project: string },
	actor: (accountId: string) => Promise<Actor>,
) {
	const today = chinaDayStart(Date.now())
	const inDays = (n: number) => formatChinaDate(today + n * DAY_MS)
	const [cadre2, township, county, enterprise] = await Promise.all([actor(ids.cadre2), actor(ids.townshipOfficial), actor(ids.countyOfficial), actor(ids.enterprise)])
	const village2 = cadre2.memberships.find((m) => m.kind === 'village')?.orgId as string
	const water = await createNeed(
		db,
		village2,
		{
			title: '坪阳村饮水管网改造资金',
			description: '更换老化的入户饮水管网 3.2 公里，解决 60 户群众饮水不稳定问题。',
			category: 'infrastructure',
			measure: 'amount',
			amount: '80000',
			beneficiaries: '210',
			urgency: 'high',
			neededBy: inDays(60),
		},
		cadre2,
	)
	await submitNeed(db, water.id, cadre2)
	await reviewNeed(db, water.id, { decision: 'publish', note: '演示：审核通过' }, township)
	const pledge = await createCommitment(db, water.id, { providerOrgId: ids.enterpriseOrg, amount: '80000', dueAt: inDays(30), message: '演示：企业捐资改造饮水管网。' }, enterprise)
	await acceptCommitment(db, pledge.id, cadre2)
	await startDelivery(db, pledge.id, enterprise)
	await confirmDelivery(db, pledge.id, { deliveredAmount: '80000' }, cadre2)
	await verifyCommitment(db, pledge.id, { note: '演示：资金已到位，管网已通水。' }, township)

	await verifyProjectInvestment(db, ids.project, { verifiedInvestment: '1500000' }, county)
	const countySubject = await loadSubject(db, 'region', DEMO.county)
	const year = chinaYearOf(Date.now())
	for (const [indicator, target] of [
		['funds_verified', '500000'],
		['villages_paired', '20'],
		['on_time_rate', '90'],
		['jobs', '100'],
	] as const) {
		await setTarget(db, countySubject, year, indicator, target, county)
	}
}

export function printDemoAccounts(accounts: Array<{ username: string; role: string }>) {
	console.log('\nDemo accounts (演示账号) — all share one password:')
	console.log(`  password 密码: ${DEMO_PASSWORD}`)
	for (const a of accounts) console.log(`  ${a.username.padEnd(16)} ${a.role}`)
	console.log('Log in with the username or <username>@demo.bangfu.cn. Demo data only: never use these on a real deployment.\n')
}

export async function listDemoAccounts(db: Kysely<DB>) {
	const rows = await db.selectFrom('account').select(['username', 'displayName']).where('email', 'like', '%@demo.bangfu.cn').orderBy('createdAt').execute()
	return rows.map((r) => ({ username: r.username, role: r.displayName }))
}
