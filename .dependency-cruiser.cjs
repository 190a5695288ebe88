// The import rules of Dugnad's layers (docs/architecture.md), checked by test/unit/import-graph.test.ts:
// no circle, and no import against a layer.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    { name: 'no-circular', severity: 'error', comment: 'A circle makes a module impossible to read or test on its own.', from: {}, to: { circular: true } },
    {
      name: 'domain-is-pure',
      severity: 'error',
      comment: 'domain/ decides on plain data: no I/O, no channel, no cards.',
      from: { path: '^domain/' },
      to: { path: ['^(bot|infra|jobs|adaptive-cards|use-cases)/', 'node_modules/(botbuilder|botframework-|restify|pg|@electric-sql|ioredis|bullmq)'] },
    },
    {
      name: 'cards-render-only',
      severity: 'error',
      comment: 'adaptive-cards/ turns data into cards and text; it reads no store and knows no transport.',
      from: { path: '^adaptive-cards/' },
      to: { path: ['^(bot|infra|jobs|use-cases)/', 'node_modules/(botbuilder|restify|pg|@electric-sql|ioredis|bullmq)'] },
    },
    {
      name: 'stores-below-entry-points',
      severity: 'error',
      comment: 'infra/ is the data access and transports: it never calls up into the use cases, the bot or the jobs.',
      from: { path: '^infra/' },
      to: { path: '^(bot|jobs|use-cases)/' },
    },
    {
      name: 'stores-do-not-run-other-stores-workflows',
      severity: 'error',
      comment: 'A store is SQL for its own tables. The stores that hold workflows (requests.ts: send the next wave, cancel; series.ts; self-requests.ts; the consent and link acts) are called by use-cases/, bot/ and jobs/, never by another store; what stores read of a request is infra/request-row.ts.',
      from: { path: '^infra/' },
      to: { path: '^infra/(requests|series|self-requests|consent-lifecycle|caregiver-links)\\.ts$' },
    },
    {
      name: 'use-cases-below-entry-points',
      severity: 'error',
      comment: 'use-cases/ is one file per act: it asks domain/ and calls the stores in infra/; the bot and the jobs call it, never the other way, and it renders nothing.',
      from: { path: '^use-cases/' },
      to: { path: ['^(bot|jobs|adaptive-cards)/', 'node_modules/(botbuilder|botframework-|restify)'] },
    },
    {
      name: 'jobs-do-not-need-the-bot',
      severity: 'error',
      comment: 'Workers run without the bot server; what both need lives in infra/ or adaptive-cards/.',
      from: { path: '^jobs/' },
      to: { path: '^bot/' },
    },
    {
      name: 'botbuilder-only-in-bot',
      severity: 'error',
      comment: 'The Bot Framework SDK is the bot entry point\'s concern; jobs send through infra/connector.ts.',
      from: { path: '^(domain|adaptive-cards|jobs|use-cases)/' },
      to: { path: 'node_modules/botbuilder($|/)' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '(^|/)(test|bench|node_modules)/' },
  },
};
