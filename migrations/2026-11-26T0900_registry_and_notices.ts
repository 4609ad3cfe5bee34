import { sql, SqliteAdapter, type Kysely } from 'kysely';

/**
 * The registry (bodies, schemes and levels, organisations, certificates and their events)
 * and the public notices with their comments. Frozen: change the schema in a new migration.
 */
export async function up(db: Kysely<any>): Promise<void> {
  if (!(db.getExecutor().adapter instanceof SqliteAdapter)) {
    // Everything below is portable but the name index triggers at the end.
    throw new Error('This migration has SQLite triggers only; add the PostgreSQL ones before running it there.');
  }

  await db.schema
    .createTable('certification_body')
    .addColumn('id', 'integer', (c) => c.primaryKey())
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
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('code', 'text', (c) => c.notNull().unique())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('name_en', 'text', (c) => c.notNull())
    .addColumn('basis', 'text', (c) => c.notNull())
    .addColumn('description', 'text')
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();

  await db.schema
    .createTable('scheme_level')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('scheme_id', 'integer', (c) => c.notNull().references('scheme.id'))
    .addColumn('code', 'text', (c) => c.notNull())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('min_score', 'integer')
    .addColumn('rank', 'integer', (c) => c.notNull())
    .addUniqueConstraint('scheme_level_scheme_code', ['scheme_id', 'code'])
    .execute();

  await db.schema
    .createTable('organisation')
    .addColumn('id', 'integer', (c) => c.primaryKey())
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
    .addColumn('id', 'integer', (c) => c.primaryKey())
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
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('valid', 'suspended', 'withdrawn', 'cancelled')`),
    )
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .addForeignKeyConstraint('certificate_level', ['scheme_id', 'level_code'], 'scheme_level', ['scheme_id', 'code'])
    .execute();
  await db.schema.createIndex('certificate_organisation').on('certificate').column('organisation_id').execute();

  await db.schema
    .createTable('certificate_event')
    .addColumn('id', 'integer', (c) => c.primaryKey())
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
  await db.schema
    .createIndex('certificate_event_certificate')
    .on('certificate_event')
    .columns(['certificate_id', 'occurred_at'])
    .execute();
  await db.schema.createIndex('certificate_event_occurred').on('certificate_event').column('occurred_at').execute();

  await db.schema
    .createTable('notice')
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('reference', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('initial', 'surveillance', 'recertification', 'level_change', 'scope_change')`),
    )
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
    .addColumn('id', 'integer', (c) => c.primaryKey())
    .addColumn('notice_id', 'integer', (c) => c.notNull().references('notice.id'))
    .addColumn('tracking_number', 'text', (c) => c.notNull().unique())
    .addColumn('idempotency_key', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('objection', 'opinion', 'support')`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('submitter_name', 'text', (c) => c.notNull())
    .addColumn('submitter_contact', 'text', (c) => c.notNull())
    .addColumn('submitter_organisation', 'text')
    .addColumn('client_hash', 'text', (c) => c.notNull())
    .addColumn('status', 'text', (c) =>
      c.notNull().check(sql`status in ('received', 'under_review', 'answered', 'rejected')`),
    )
    .addColumn('reply', 'text')
    .addColumn('published', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('received_at', 'text', (c) => c.notNull())
    .addColumn('updated_at', 'text', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('comment_notice').on('comment').columns(['notice_id', 'received_at']).execute();
  await db.schema.createIndex('comment_client').on('comment').columns(['client_hash', 'received_at']).execute();

  // Substring search on holder names, one entry per certificate so that a query's total
  // and its first page are read from an index without touching each match:
  // - two-character queries (common in Chinese, too short for a trigram index) use every
  //   overlapping two-character piece of the name; `inside` is 0 for the piece the name
  //   starts with (with the name's length, so exact and shorter names rank first), 1 for
  //   the rest, so the ranked order is the primary key's order;
  // - longer queries use an FTS5 trigram index of the name, rowid = certificate id.
  await sql`create table certificate_holder_bigram (
    bigram text not null,
    inside integer not null,
    name_length integer not null,
    certificate_id integer not null,
    primary key (bigram, inside, name_length, certificate_id)
  ) without rowid`.execute(db);
  await sql`create index certificate_holder_bigram_certificate on certificate_holder_bigram (certificate_id)`.execute(db);
  await sql`create virtual table certificate_holder_trigram using fts5(name, tokenize = 'trigram')`.execute(db);

  // Triggers keep both right whoever writes (the portal, the import or the back office
  // directly). name_position supplies the offsets 1..300 into a name.
  await sql`create table name_position (n integer primary key)`.execute(db);
  await sql`
    with recursive position(n) as (select 1 union all select n + 1 from position where n < 300)
    insert into name_position (n) select n from position`.execute(db);
  /** Indexes the certificates `source` yields as (certificate_id, name). */
  const indexHolderNames = (source: string) =>
    sql.raw(`
    insert into certificate_holder_trigram (rowid, name) select certificate_id, name from (${source});
    insert or ignore into certificate_holder_bigram (bigram, inside, name_length, certificate_id)
      select substr(name, n, 2), n > 1, case when n = 1 then length(name) else 0 end, certificate_id
      from (${source}) join name_position on n < length(name)
      where n = 1 or substr(name, n, 2) <> substr(name, 1, 2);`);
  const unindex = (certificateIds: string) =>
    sql.raw(`
    delete from certificate_holder_trigram where rowid in (${certificateIds});
    delete from certificate_holder_bigram where certificate_id in (${certificateIds});`);
  const newCertificate = 'select new.id as certificate_id, name_search as name from organisation where id = new.organisation_id';
  const renamedHolder = 'select id as certificate_id, new.name_search as name from certificate where organisation_id = new.id';
  await sql`create trigger certificate_holder_indexed after insert on certificate begin
    ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger certificate_holder_moved after update of organisation_id on certificate begin
    ${unindex('select old.id')} ${indexHolderNames(newCertificate)} end`.execute(db);
  await sql`create trigger certificate_holder_unindexed after delete on certificate begin
    ${unindex('select old.id')} end`.execute(db);
  await sql`create trigger organisation_renamed after update of name_search on organisation begin
    ${unindex('select id from certificate where organisation_id = new.id')} ${indexHolderNames(renamedHolder)} end`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const table of [
    'name_position',
    'certificate_holder_trigram',
    'certificate_holder_bigram',
    'comment',
    'notice',
    'certificate_event',
    'certificate',
    'organisation',
    'scheme_level',
    'scheme',
    'certification_body',
  ]) {
    await db.schema.dropTable(table).ifExists().execute();
  }
}
