// Frozen in time: never edit a migration that has shipped; add a new one.
// Supervision and recognition (DOMAIN.md, 考核监督): indicator targets, appraisals, annual work
// reports, 约谈 interviews, accountability records (问责), commendation campaigns (表彰) with
// nominations, reviews, objections and awards; and the verified figures of CSR projects.
//
// A "subject" is what an official supervises: a region (subject_type 'region', subject_id its
// 12-digit code) or a provider organization ('org', its id). Years are China calendar years.
import { type Kysely, MysqlAdapter } from 'kysely'

export async function up(db: Kysely<any>): Promise<void> {
	// What an official confirmed a CSR project actually invested (fen): CSR investment indicators
	// count only this, never the planned figure.
	await db.schema.alterTable('project').addColumn('verified_investment', 'bigint').execute()
	await db.schema.alterTable('project').addColumn('verified_at', 'bigint').execute()
	await db.schema.alterTable('project').addColumn('verified_by', 'varchar(26)').execute()

	await db.schema
		.createTable('indicator_target')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('subject_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('subject_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('indicator', 'varchar(40)', (c) => c.notNull())
		// In the indicator's own unit: fen, people, villages, or per-mille for rates.
		.addColumn('target', 'bigint', (c) => c.notNull())
		.addColumn('set_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('set_by_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addUniqueConstraint('indicator_target_subject_uq', ['subject_type', 'subject_id', 'year', 'indicator'])
		.execute()

	// 实绩考核: every appraisal is kept; the latest for a subject and year is the current one.
	await db.schema
		.createTable('appraisal')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('subject_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('subject_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('year', 'integer', (c) => c.notNull())
		// The computed score, 0..1000 (tenths of a point out of 100), and its breakdown (JSON).
		.addColumn('score', 'integer', (c) => c.notNull())
		.addColumn('breakdown', 'text', (c) => c.notNull())
		// 'good' 好 | 'fairly_good' 较好 | 'average' 一般 | 'poor' 差
		.addColumn('grade', 'varchar(16)', (c) => c.notNull())
		.addColumn('comment', 'text', (c) => c.notNull())
		.addColumn('appraised_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('appraiser_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('appraisal_subject_idx').on('appraisal').columns(['subject_type', 'subject_id', 'year', 'created_at']).execute()

	// 工作报告: one per subject and year; the figures are computed when shown, never stored.
	await db.schema
		.createTable('work_report')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('subject_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('subject_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('year', 'integer', (c) => c.notNull())
		.addColumn('problems', 'text', (c) => c.notNull())
		.addColumn('next_steps', 'text', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('author_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addUniqueConstraint('work_report_subject_uq', ['subject_type', 'subject_id', 'year'])
		.execute()
	// Typical cases (典型案例): verified commitments the official picked, in order.
	await db.schema
		.createTable('work_report_case')
		.addColumn('report_id', 'varchar(26)', (c) => c.notNull().references('work_report.id'))
		.addColumn('commitment_id', 'varchar(26)', (c) => c.notNull().references('commitment.id'))
		.addColumn('position', 'integer', (c) => c.notNull())
		.addColumn('note', 'text', (c) => c.notNull())
		.addPrimaryKeyConstraint('work_report_case_pk', ['report_id', 'commitment_id'])
		.execute()

	// 约谈: who was interviewed, when, by whom, about what, what must be put right by when.
	await db.schema
		.createTable('interview')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('subject_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('subject_id', 'varchar(26)', (c) => c.notNull())
		// The region the subject lies in (a region subject: itself; an org: its region, or '' for
		// an org without one): the jurisdiction filter of lists.
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('held_at', 'bigint', (c) => c.notNull())
		.addColumn('interviewer_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('interviewer_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('attendees', 'text', (c) => c.notNull())
		.addColumn('issues', 'text', (c) => c.notNull())
		.addColumn('rectification', 'text', (c) => c.notNull())
		.addColumn('deadline', 'bigint', (c) => c.notNull())
		// 'open' | 'rectified' | 'unresolved' (closed without rectification)
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('reminded_at', 'bigint')
		.addColumn('closed_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('interview_subject_idx').on('interview').columns(['subject_type', 'subject_id']).execute()
	await db.schema.createIndex('interview_region_idx').on('interview').columns(['region_code', 'status']).execute()
	await db.schema.createIndex('interview_deadline_idx').on('interview').columns(['status', 'deadline']).execute()
	await db.schema
		.createTable('interview_follow_up')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('interview_id', 'varchar(26)', (c) => c.notNull().references('interview.id'))
		.addColumn('note', 'text', (c) => c.notNull())
		.addColumn('status_to', 'varchar(16)', (c) => c.notNull())
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('interview_follow_up_idx').on('interview_follow_up').columns(['interview_id', 'created_at']).execute()

	// 问责: a recorded failure to perform, citing commitments; seen by the recorder's jurisdiction
	// and every level above it.
	await db.schema
		.createTable('accountability_record')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('subject_type', 'varchar(16)', (c) => c.notNull())
		.addColumn('subject_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('failure', 'text', (c) => c.notNull())
		.addColumn('measures', 'text', (c) => c.notNull())
		// 'open' | 'closed'
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('recorded_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('recorder_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('close_note', 'text')
		.addColumn('closed_by', 'varchar(26)')
		.addColumn('closed_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('accountability_subject_idx').on('accountability_record').columns(['subject_type', 'subject_id', 'status']).execute()
	await db.schema.createIndex('accountability_region_idx').on('accountability_record').columns(['region_code', 'status']).execute()
	await db.schema
		.createTable('accountability_commitment')
		.addColumn('record_id', 'varchar(26)', (c) => c.notNull().references('accountability_record.id'))
		.addColumn('commitment_id', 'varchar(26)', (c) => c.notNull().references('commitment.id'))
		.addPrimaryKeyConstraint('accountability_commitment_pk', ['record_id', 'commitment_id'])
		.execute()

	// 表彰: a campaign run by a government org at its level.
	await db.schema
		.createTable('campaign')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('title', 'varchar(200)', (c) => c.notNull())
		.addColumn('year', 'integer', (c) => c.notNull())
		// 'national' | 'provincial' | 'city' | 'county'
		.addColumn('level', 'varchar(16)', (c) => c.notNull())
		// The organizing jurisdiction ('' for national): nominees lie within it.
		.addColumn('region_code', 'varchar(12)', (c) => c.notNull())
		.addColumn('organizer_org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('description', 'text', (c) => c.notNull())
		// Contributions counted for eligibility: verified within [period_start, period_end).
		.addColumn('period_start', 'bigint', (c) => c.notNull())
		.addColumn('period_end', 'bigint', (c) => c.notNull())
		// Eligibility thresholds: verified amount (fen) and number of verified commitments.
		.addColumn('min_verified_amount', 'bigint', (c) => c.notNull())
		.addColumn('min_verified_count', 'integer', (c) => c.notNull())
		.addColumn('nomination_ends_at', 'bigint', (c) => c.notNull())
		// 'draft' | 'nominating' | 'reviewing' | 'notice' | 'decided' | 'cancelled'
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('notice_starts_at', 'bigint')
		.addColumn('notice_ends_at', 'bigint')
		.addColumn('decided_at', 'bigint')
		.addColumn('created_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('campaign_status_idx').on('campaign').columns(['status', 'year']).execute()
	await db.schema
		.createTable('campaign_category')
		.addColumn('campaign_id', 'varchar(26)', (c) => c.notNull().references('campaign.id'))
		// 'advanced_individual' 先进个人 | 'advanced_collective' 先进集体 | 'social_contribution' 社会帮扶贡献奖
		.addColumn('category', 'varchar(32)', (c) => c.notNull())
		.addColumn('quota', 'integer', (c) => c.notNull())
		.addPrimaryKeyConstraint('campaign_category_pk', ['campaign_id', 'category'])
		.execute()
	await db.schema
		.createTable('nomination')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('campaign_id', 'varchar(26)', (c) => c.notNull().references('campaign.id'))
		.addColumn('category', 'varchar(32)', (c) => c.notNull())
		.addColumn('org_id', 'varchar(26)', (c) => c.notNull().references('organization.id'))
		// 先进个人: the person, a member of the org; '' for collective awards.
		.addColumn('person_name', 'varchar(64)', (c) => c.notNull())
		.addColumn('citation', 'text', (c) => c.notNull())
		// The eligibility check as run at nomination (JSON: figures and thresholds).
		.addColumn('eligibility', 'text', (c) => c.notNull())
		.addColumn('self_nominated', 'integer', (c) => c.notNull())
		.addColumn('nominated_by', 'varchar(26)', (c) => c.notNull())
		.addColumn('nominator_org_id', 'varchar(26)', (c) => c.notNull())
		// 'nominated' | 'rejected' | 'withdrawn' | 'awarded'
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('status_note', 'text')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addUniqueConstraint('nomination_nominee_uq', ['campaign_id', 'category', 'org_id', 'person_name'])
		.execute()
	await db.schema.createIndex('nomination_campaign_idx').on('nomination').columns(['campaign_id', 'status']).execute()
	await db.schema
		.createTable('nomination_review')
		.addColumn('nomination_id', 'varchar(26)', (c) => c.notNull().references('nomination.id'))
		.addColumn('reviewer_id', 'varchar(26)', (c) => c.notNull())
		// 0..100
		.addColumn('score', 'integer', (c) => c.notNull())
		.addColumn('comment', 'text', (c) => c.notNull())
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.addColumn('updated_at', 'bigint', (c) => c.notNull())
		.addPrimaryKeyConstraint('nomination_review_pk', ['nomination_id', 'reviewer_id'])
		.execute()
	// 公示 objections: any signed-in user, during the notice period only.
	await db.schema
		.createTable('objection')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('nomination_id', 'varchar(26)', (c) => c.notNull().references('nomination.id'))
		.addColumn('account_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('reason', 'text', (c) => c.notNull())
		// 'open' | 'upheld' (the nomination is rejected) | 'dismissed'
		.addColumn('status', 'varchar(16)', (c) => c.notNull())
		.addColumn('resolution', 'text')
		.addColumn('resolved_by', 'varchar(26)')
		.addColumn('resolved_at', 'bigint')
		.addColumn('created_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('objection_nomination_idx').on('objection').columns(['nomination_id', 'status']).execute()
	// The honor roll: decided awards, public.
	await db.schema
		.createTable('award')
		.addColumn('id', 'varchar(26)', (c) => c.primaryKey())
		.addColumn('campaign_id', 'varchar(26)', (c) => c.notNull().references('campaign.id'))
		.addColumn('nomination_id', 'varchar(26)', (c) => c.notNull().unique().references('nomination.id'))
		.addColumn('category', 'varchar(32)', (c) => c.notNull())
		.addColumn('org_id', 'varchar(26)', (c) => c.notNull())
		.addColumn('person_name', 'varchar(64)', (c) => c.notNull())
		// e.g. 2026-520425-001: year, organizing region (or 'CN'), running number
		.addColumn('certificate_no', 'varchar(40)', (c) => c.notNull().unique())
		.addColumn('awarded_at', 'bigint', (c) => c.notNull())
		.execute()
	await db.schema.createIndex('award_org_idx').on('award').columns(['org_id']).execute()

	// Indicators by year: commitments are counted by when they were accepted, delivered or
	// verified, within a region (village_code prefix) or for a provider.
	await db.schema.createIndex('commitment_verified_idx').on('commitment').columns(['status', 'verified_at']).execute()
}

export async function down(db: Kysely<any>): Promise<void> {
	const mysql = db.getExecutor().adapter instanceof MysqlAdapter
	const drop = db.schema.dropIndex('commitment_verified_idx')
	await (mysql ? drop.on('commitment') : drop).execute()
	for (const table of [
		'award',
		'objection',
		'nomination_review',
		'nomination',
		'campaign_category',
		'campaign',
		'accountability_commitment',
		'accountability_record',
		'interview_follow_up',
		'interview',
		'work_report_case',
		'work_report',
		'appraisal',
		'indicator_target',
	]) {
		await db.schema.dropTable(table).execute()
	}
	for (const column of ['verified_by', 'verified_at', 'verified_investment']) await db.schema.alterTable('project').dropColumn(column).execute()
}
