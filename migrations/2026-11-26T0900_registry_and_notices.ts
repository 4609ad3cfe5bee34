import { sql, type Kysely } from 'kysely';
import { schemaDialect } from './dialects/index.ts';

/**
 * The registry (bodies, schemes and levels, organisations, certificates and their events)
 * and the public notices with their comments. Frozen: change the schema in a new migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  const dialect = schemaDialect(db);

  await db.schema
    .createTable('certification_body')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('approval_number', 'text', (c) => c.notNull().unique())
    .addColumn('website', 'text')
    .addColumn('phone', 'text')
    .addColumn('address', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scheme')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scheme_level')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('scheme.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('min_score', 'integer')
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addUniqueConstraint('scheme_level_scheme_code', ['scheme_id', 'code'])
    .execute();

  await db.schema
    .createTable('organisation')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('uscc', 'text', (c) => c.notNull().unique().check(sql`length(uscc) = 18`))
    .addColumn('name', 'text', (c) => c.notNull().check(sql`length(name) between 2 and 300`))
    .addColumn('name_search', 'text', (c) => c.notNull())
    .addColumn('province', 'text', (c) => c.notNull())
    .addColumn('city', 'text')
    .addColumn('address', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('certificate')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('number', 'text', (c) => c.notNull().unique())
    .addColumn('number_key', 'text', (c) => c.notNull().unique())
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
    .addColumn('body_id', 'integer', (c) => c.notNull().references('certification_body.id'))
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('scheme.id'))
    .addColumn('level_code', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('sites', 'text', (c) => c.notNull())
    .addColumn('first_issued_on', 'text', (c) => c.notNull())
    .addColumn('issued_on', 'text', (c) => c.notNull())
    .addColumn('expires_on', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('valid', 'suspended', 'withdrawn', 'cancelled')`))
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('certificate_level', ['scheme_id', 'level_code'], 'scheme_level', ['scheme_id', 'code'])
    .execute();
  await db.schema.createIndex('certificate_organisation').on('certificate').column('organisation_id').execute();

  await db.schema
    .createTable('certificate_event')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('certificate_id', 'integer', (c) => c.notNull().references('certificate.id'))
    .addColumn('kind', 'text', (c) =>
      c
        .notNull()
        .check(
          sql`kind in ('issued', 'surveillance_passed', 'suspended', 'restored', 'withdrawn', 'cancelled', 'scope_changed', 'level_changed', 'recertified', 'holder_changed')`,
        ),
    )
    .addColumn('occurred_at', 'text', (c) => c.notNull())
    .addColumn('description', 'text', (c) => c.notNull())
    .addColumn('level_code', 'text')
    .addColumn('expires_on', 'text')
    .addColumn('scope', 'text')
    .execute();
  await db.schema.createIndex('certificate_event_certificate').on('certificate_event').columns(['certificate_id', 'occurred_at']).execute();
  await db.schema.createIndex('certificate_event_occurred').on('certificate_event').column('occurred_at').execute();

  await db.schema
    .createTable('notice')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('initial', 'surveillance', 'recertification', 'level_change', 'scope_change')`))
    .addColumn('organisation_id', 'integer', (c) => c.notNull().references('organisation.id'))
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('scheme.id'))
    .addColumn('body_id', 'integer', (c) => c.notNull().references('certification_body.id'))
    .addColumn('proposed_level_code', 'text')
    .addColumn('scope', 'text', (c) => c.notNull())
    .addColumn('applicant_address', 'text', (c) => c.notNull())
    .addColumn('evaluation_summary', 'text', (c) => c.notNull())
    .addColumn('window_start', 'text', (c) => c.notNull())
    .addColumn('window_end', 'text', (c) => c.notNull())
    .addColumn('published_at', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('published', 'withdrawn')`))
    .addColumn('decision', 'text', (c) => c.notNull().check(sql`decision in ('pending', 'certified', 'refused')`))
    .addColumn('decided_at', 'text')
    .addColumn('certificate_id', 'integer', (c) => c.references('certificate.id'))
    .addColumn('objection_contact', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addCheckConstraint('notice_window_order', sql`window_end > window_start`)
    .addForeignKeyConstraint('notice_level', ['scheme_id', 'proposed_level_code'], 'scheme_level', ['scheme_id', 'code'])
    .execute();
  await db.schema.createIndex('notice_window').on('notice').columns(['window_start', 'window_end']).execute();
  await db.schema.createIndex('notice_window_end').on('notice').column('window_end').execute();
  await db.schema.createIndex('notice_organisation').on('notice').column('organisation_id').execute();
  await db.schema.createIndex('notice_certificate').on('notice').column('certificate_id').execute();

  await db.schema
    .createTable('comment')
    .addColumn('id', 'integer', dialect.generatedId)
    .addColumn('notice_id', 'integer', (c) => c.notNull().references('notice.id'))
    .addColumn('tracking_number', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('objection', 'opinion', 'support')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('submitter_name', 'text', (c) => c.notNull())
    .addColumn('submitter_contact', 'text', (c) => c.notNull())
    .addColumn('submitter_organisation', 'text')
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) => c.notNull().check(sql`status in ('received', 'under_review', 'answered', 'rejected')`))
    .addColumn('reply', 'text')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_notice').on('comment').columns(['notice_id', 'received_at']).execute();
  await db.schema.createIndex('comment_client').on('comment').columns(['client_hash', 'received_at']).execute();

  // Substring search on holder names, kept right by triggers whoever writes: each dialect its own way.
  await dialect.holderNameIndexes(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await schemaDialect(db).dropHolderNameIndexes(db);
  for (const table of ['comment', 'notice', 'certificate_event', 'certificate', 'organisation', 'scheme_level', 'scheme', 'certification_body']) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
