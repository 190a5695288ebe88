// The coordinator's part of the Teams tab (bot/tab-coordinator.ts): import volunteers or people helped
// from a spreadsheet — a dry run first, then the import — and invitations for imported volunteers.
// Loaded after tab.js, whose helpers it uses (window.dugnadTab). Everything is built with textContent.
(() => {
  'use strict';

  // The server's limit (bot/tab-coordinator.ts MAX_UPLOAD_BYTES): said before uploading, not after.
  const MAX_UPLOAD_BYTES = 2 * 1024 * 1024;

  function render() {
    const { el, text, section } = window.dugnadTab;
    let invitationsEl = null;
    const wrapper = el('div', { className: 'coordinator' });
    wrapper.append(importSection(), invitationsSection());
    return wrapper;

    // ---- import -------------------------------------------------------------------------------

    function importSection() {
      const kindName = 'import-kind';
      const kinds = el('fieldset', { className: 'kinds' }, [
        el('legend', { text: text('tab.import.kind') }),
        ...['volunteers', 'persons'].map((kind, i) =>
          el('div', { className: 'choice' }, [
            el('input', { type: 'radio', name: kindName, id: `import-kind-${kind}`, value: kind, checked: i === 0 }),
            el('label', { for: `import-kind-${kind}`, text: text(`tab.import.kind.${kind}`) }),
          ]),
        ),
      ]);
      const file = el('input', { type: 'file', id: 'import-file', accept: '.csv,text/csv,text/plain', required: true });
      const check = el('button', { type: 'submit', className: 'primary', text: text('tab.import.check') });
      const template = el('button', { type: 'button', className: 'secondary', text: text('tab.import.template') });
      const form = el('form', { className: 'import-form', novalidate: true }, [
        kinds,
        el('p', {}, [el('label', { for: 'import-file', text: text('tab.import.file') }), el('br'), file]),
        el('div', { className: 'actions' }, [check, template]),
      ]);
      const result = el('div', { className: 'import-result', 'aria-live': 'polite' });
      const kindOf = () => form.querySelector(`input[name="${kindName}"]:checked`).value;

      template.addEventListener('click', () => downloadTemplate(kindOf(), template));
      form.addEventListener('submit', async (event) => {
        event.preventDefault();
        const chosen = file.files && file.files[0];
        if (!chosen) return file.focus();
        if (chosen.size > MAX_UPLOAD_BYTES) return result.replaceChildren(el('p', { className: 'message', role: 'alert', text: text('tab.import.tooLarge') }));
        const bytes = await chosen.arrayBuffer();
        await send(kindOf(), bytes, { apply: false, skipInvalid: false }, check, result);
      });
      return section(text('tab.import.title'), [el('p', { text: text('tab.import.intro') }), form, result], 'import');
    }

    async function downloadTemplate(kind, button) {
      button.disabled = true;
      try {
        const response = await window.dugnadTab.apiResponse(`/import/template?kind=${kind}`, false);
        if (!response.ok) throw new Error(`template: ${response.status}`);
        saveBlob(await response.blob(), kind === 'volunteers' ? 'import-frivillige.csv' : 'import-personer.csv');
      } catch (error) {
        console.error(error);
        window.dugnadTab.setStatus(text('tab.import.failed'));
      } finally {
        button.disabled = false;
      }
    }

    async function send(kind, bytes, opts, button, result) {
      button.disabled = true;
      result.setAttribute('aria-busy', 'true');
      try {
        const body = await window.dugnadTab.api(`/import?kind=${kind}&apply=${opts.apply}&skipInvalid=${opts.skipInvalid}`, {
          method: 'POST',
          body: bytes,
          headers: { 'Content-Type': 'application/octet-stream' },
        });
        showReport(kind, bytes, body, result);
      } catch (error) {
        console.error(error);
        result.replaceChildren(el('p', { className: 'message', role: 'alert', text: error instanceof window.dugnadTab.ApiError ? error.message : text('tab.import.failed') }));
      } finally {
        button.disabled = false;
        result.removeAttribute('aria-busy');
      }
    }

    function showReport(kind, bytes, body, result) {
      const report = body.report;
      const children = [el('p', { className: 'import-message', role: 'status', text: body.message })];
      for (const problem of report.fileProblems) children.push(el('p', { className: 'message', role: 'alert', text: problem }));
      for (const note of report.notes) children.push(el('p', { className: 'subtle', text: note }));
      children.push(el('p', { className: 'import-summary', text: report.summary }));
      if (report.lines.length) {
        children.push(
          el('h3', { text: text('tab.import.problems') }),
          table(
            text('tab.import.problems'),
            [text('import.column.line'), text('import.column.name'), text('import.column.field'), text('import.column.problem'), text('import.column.outcome')],
            report.lines.map((l) => ({ cells: [String(l.line), l.name, l.column, l.problem, l.outcome], className: l.error ? 'error' : 'warning' })),
          ),
        );
      } else if (report.fileProblems.length === 0) {
        children.push(el('p', { className: 'subtle', text: text('tab.import.noProblems') }));
      }
      if (report.rows.length) {
        const all = el('details', {}, [el('summary', { text: text('tab.import.allRows') }), table(text('tab.import.allRows'), [text('import.column.line'), text('import.column.name'), text('import.column.outcome')], report.rows.map((r) => ({ cells: [String(r.line), r.name, r.action] })))]);
        children.push(all);
      }
      if (!body.applied && report.fileProblems.length === 0 && body.counts.create + body.counts.update > 0) {
        const actions = el('div', { className: 'actions' });
        if (body.counts.skip === 0) {
          const apply = el('button', { type: 'button', className: 'primary', text: text('tab.import.apply') });
          apply.addEventListener('click', () => send(kind, bytes, { apply: true, skipInvalid: false }, apply, result));
          actions.append(apply);
        } else {
          const skipping = el('button', { type: 'button', className: 'secondary', text: text('tab.import.applySkipping') });
          skipping.addEventListener('click', () => send(kind, bytes, { apply: true, skipInvalid: true }, skipping, result));
          actions.append(skipping);
        }
        children.push(actions);
      }
      result.replaceChildren(...children);
      if (body.applied && kind === 'volunteers') loadInvitations();
    }

    // Focusable, like the report's tables, so a keyboard can scroll a wide one on a phone.
    function table(caption, headings, rows) {
      return el('div', { className: 'table-scroll', tabindex: '0', role: 'region', 'aria-label': caption }, [
        el('table', {}, [
          el('caption', { text: caption }),
          el('thead', {}, [el('tr', {}, headings.map((h) => el('th', { scope: 'col', text: h })))]),
          // A cell is text, or a node (a button).
          el('tbody', {}, rows.map((r) => el('tr', r.className ? { className: r.className } : {}, r.cells.map((c) => (typeof c === 'string' ? el('td', { text: c }) : el('td', {}, [c])))))),
        ]),
      ]);
    }

    function saveBlob(blob, name) {
      const url = URL.createObjectURL(blob);
      const link = el('a', { href: url, download: name });
      document.body.append(link);
      link.click();
      link.remove();
      setTimeout(() => URL.revokeObjectURL(url), 60_000);
    }

    // ---- invitations --------------------------------------------------------------------------

    function invitationsSection() {
      invitationsEl = el('div', { className: 'invitations' });
      loadInvitations();
      return section(text('tab.invitations.title'), [invitationsEl], 'invitations-block');
    }

    async function loadInvitations() {
      if (!invitationsEl) return;
      invitationsEl.setAttribute('aria-busy', 'true');
      try {
        const data = await window.dugnadTab.api('/invitations');
        const children = [el('p', { text: data.intro })];
        if (data.items.length === 0) {
          children.push(el('p', { className: 'subtle', text: text('tab.invitations.empty') }));
        } else {
          const makeAll = el('button', { type: 'button', className: 'primary', text: text('tab.invitations.makeAll') });
          makeAll.addEventListener('click', () => make({ all: true }, makeAll));
          children.push(
            el('div', { className: 'actions' }, [makeAll]),
            table(
              text('tab.invitations.title'),
              [text('import.column.name'), text('tab.invitations.status'), text('tab.invitations.again')],
              data.items.map((i) => ({ cells: [`${i.name} (${i.district})`, i.stateText, i.state === 'accepted' ? '' : makeOneButton(i)], className: `invitation-${i.state}` })),
            ),
          );
        }
        invitationsEl.replaceChildren(...children);
      } catch (error) {
        console.error(error);
        invitationsEl.replaceChildren(el('p', { className: 'message', role: 'alert', text: error instanceof window.dugnadTab.ApiError ? error.message : text('tab.import.failed') }));
      } finally {
        invitationsEl.removeAttribute('aria-busy');
      }
    }

    function makeOneButton(item) {
      const button = el('button', { type: 'button', className: 'secondary', text: text('tab.invitations.makeOne'), 'aria-label': `${text('tab.invitations.makeOne')}: ${item.name}` });
      button.addEventListener('click', () => make({ memberIds: [item.memberId] }, button));
      return button;
    }

    async function make(body, button) {
      button.disabled = true;
      try {
        const data = await window.dugnadTab.api('/invitations', { method: 'POST', body: JSON.stringify(body), headers: { 'Content-Type': 'application/json' } });
        const print = el('button', { type: 'button', className: 'primary', text: text('tab.invitations.print') });
        print.addEventListener('click', () => saveBlob(new Blob([data.sheet], { type: 'text/html' }), 'invitasjoner.html'));
        const made = el('div', { className: 'made' }, [
          el('h3', { text: text('tab.invitations.madeTitle') }),
          el('p', { className: 'message', text: text('tab.invitations.onlyNow') }),
          el('div', { className: 'actions' }, [print]),
          table(
            text('tab.invitations.madeTitle'),
            [text('import.column.name'), text('tab.invitations.code'), text('tab.invitations.link')],
            data.items.map((i) => ({ cells: [i.name, i.code, i.sentVia === 'sms' ? text('tab.invitations.sms') : i.link] })),
          ),
        ]);
        await loadInvitations();
        invitationsEl.prepend(made);
      } catch (error) {
        console.error(error);
        window.dugnadTab.setStatus(error instanceof window.dugnadTab.ApiError ? error.message : text('tab.import.failed'));
      } finally {
        button.disabled = false;
      }
    }
  }

  window.dugnadCoordinator = { render };
  // tab.js may have drawn the staff page before this script ran.
  const slot = document.getElementById('coordinator-slot');
  if (slot && !slot.firstChild && window.dugnadTab) slot.append(render());
})();
