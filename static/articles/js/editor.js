'use strict';
// The article body's editor (articles/editor.py MarkdownEditorWidget): a formatting toolbar
// with keyboard shortcuts, a live preview rendered by the server, a word count with reading
// time, and a picker for images from the media library.
//
// The textarea stays the form field: this script only edits its text, the way a person typing
// would, through `insertText`, so the browser's own undo (Ctrl+Z) undoes a toolbar change.
// Everything it needs comes from data- attributes; the admin's CSP allows no inline script.
{
    const PREVIEW_DELAY_MS = 300;
    const SEARCH_DELAY_MS = 250;

    // Editing the text. ------------------------------------------------------------------

    // Replaces value[start:end] with `text` as one undoable edit, then selects
    // [selectStart, selectEnd]. execCommand is deprecated but still the only way to keep the
    // browser's undo stack; where it is missing, setRangeText does the edit without undo.
    function replaceRange(textarea, start, end, text, selectStart, selectEnd) {
        textarea.focus();
        textarea.setSelectionRange(start, end);
        let done = false;
        try {
            done = document.execCommand(text ? 'insertText' : 'delete', false, text);
        } catch (error) {
            done = false;
        }
        if (!done) {
            textarea.setRangeText(text, start, end, 'end');
            // Listeners (preview, word count, Django's own) learn of the change as of typing.
            textarea.dispatchEvent(new Event('input', {bubbles: true}));
        }
        textarea.setSelectionRange(selectStart, selectEnd);
    }

    // The selection without the spaces a double-click picks up: "**word **" is not bold.
    function trimmedSelection(textarea) {
        const value = textarea.value;
        let start = textarea.selectionStart;
        let end = textarea.selectionEnd;
        while (start < end && /\s/.test(value[start])) {
            start++;
        }
        while (end > start && /\s/.test(value[end - 1])) {
            end--;
        }
        return {value: value, start: start, end: end, selected: value.slice(start, end)};
    }

    function runOf(value, index, step, char) {
        let count = 0;
        while (value[index + step * count + (step < 0 ? -1 : 0)] === char) {
            count++;
        }
        return count;
    }

    // Bold (`**`) and italic (`*`); pressing again on wrapped text unwraps it.
    function toggleInline(textarea, marker, placeholder) {
        const {value, start, end, selected} = trimmedSelection(textarea);
        const size = marker.length;
        const star = marker[0];
        // A run of two or three stars makes bold, of one or three italic ("***" is both).
        const marks = run => (size === 2 ? run >= 2 : run === 1 || run === 3);
        const outside = Math.min(runOf(value, start, -1, star), runOf(value, end, 1, star));
        if (marks(outside)) {
            replaceRange(textarea, start - size, end + size, selected, start - size, end - size);
            return;
        }
        const inside = Math.min(runOf(selected, 0, 1, star), runOf(selected, selected.length, -1, star));
        if (selected.length > 2 * size && marks(inside)) {
            const inner = selected.slice(size, selected.length - size);
            replaceRange(textarea, start, end, inner, start, start + inner.length);
            return;
        }
        const text = selected || placeholder;
        replaceRange(textarea, start, end, marker + text + marker, start + size, start + size + text.length);
    }

    function insertLink(textarea, placeholder) {
        const {start, end, selected} = trimmedSelection(textarea);
        if (/^(https?:\/\/|mailto:)\S+$/i.test(selected)) {
            // A selected address becomes the target; the text to show is for the editor to write.
            replaceRange(textarea, start, end, '[' + placeholder + '](' + selected + ')',
                start + 1, start + 1 + placeholder.length);
            return;
        }
        const label = selected || placeholder;
        const text = '[' + label + '](https://)';
        if (selected) {
            const url = start + label.length + 3;
            replaceRange(textarea, start, end, text, url, url + 'https://'.length);
        } else {
            replaceRange(textarea, start, end, text, start + 1, start + 1 + label.length);
        }
    }

    // The whole lines the selection touches. A selection ending at the start of a line (as
    // a triple-click leaves it) does not take that line in.
    function selectedLines(textarea) {
        const value = textarea.value;
        const start = textarea.selectionStart;
        const end = textarea.selectionEnd;
        const from = start === 0 ? 0 : value.lastIndexOf('\n', start - 1) + 1;
        const last = end > start && value[end - 1] === '\n' ? end - 1 : end;
        let to = value.indexOf('\n', last);
        if (to === -1) {
            to = value.length;
        }
        return {from: from, to: to, lines: value.slice(from, to).split('\n'), collapsed: start === end};
    }

    const BULLET = /^(\s*)[-*+] /;
    const NUMBER = /^(\s*)\d+[.)] /;
    const QUOTE = /^> ?/;
    const HEADING = /^(#{1,6}) /;

    // Each line-based format: whether every non-blank line has it, and how to add or remove it.
    const LINE_FORMATS = {
        quote: {
            has: line => QUOTE.test(line),
            remove: line => line.replace(QUOTE, ''),
            // Blank lines too, so the quotation stays one block.
            add: line => (line ? '> ' + line : '>')
        },
        bulleted: {
            has: line => BULLET.test(line),
            remove: line => line.replace(BULLET, '$1'),
            add: line => '- ' + line.replace(NUMBER, '$1')
        },
        numbered: {
            has: line => NUMBER.test(line),
            remove: line => line.replace(NUMBER, '$1'),
            add: (line, number) => number + '. ' + line.replace(BULLET, '$1')
        }
    };

    function toggleLines(textarea, format, placeholder) {
        const {from, to, lines, collapsed} = selectedLines(textarea);
        const rule = LINE_FORMATS[format];
        if (lines.length === 1 && !lines[0].trim()) {
            const prefix = rule.add('x', 1).slice(0, -1);
            replaceRange(textarea, from, to, prefix + placeholder,
                from + prefix.length, from + prefix.length + placeholder.length);
            return;
        }
        const filled = lines.filter(line => line.trim());
        const removing = filled.every(rule.has);
        let number = 0;
        const changed = lines.map(function(line) {
            if (removing) {
                return rule.remove(line);
            }
            if (!line.trim() && format !== 'quote') {
                return line;
            }
            number++;
            return rule.add(line, number);
        }).join('\n');
        const caret = from + changed.length;
        replaceRange(textarea, from, to, changed, collapsed ? caret : from, caret);
    }

    // Heading: none → ## → ### → none. The title is the page's only level-1 heading.
    function cycleHeading(textarea, placeholder) {
        const {from, to, lines} = selectedLines(textarea);
        const line = lines[0];
        if (!line.trim()) {
            replaceRange(textarea, from, to, '## ' + placeholder, from + 3, from + 3 + placeholder.length);
            return;
        }
        const match = line.match(HEADING);
        const level = match ? match[1].length : 0;
        const text = match ? line.slice(match[0].length) : line;
        const next = level === 0 || level === 1 ? '## ' : level === 2 ? '### ' : '';
        const lineEnd = from + line.length;
        replaceRange(textarea, from, lineEnd, next + text, from + next.length + text.length,
            from + next.length + text.length);
    }

    // Inserts `block` at `position` as a paragraph of its own, with blank lines around it,
    // and selects [selectFrom, selectTo] counted from the block's start (else puts the caret
    // after it).
    function insertBlock(textarea, position, block, selectFrom, selectTo) {
        const value = textarea.value;
        const before = value.slice(0, position);
        const after = value.slice(position);
        const lead = !before || before.endsWith('\n\n') ? '' : before.endsWith('\n') ? '\n' : '\n\n';
        const trail = after.startsWith('\n\n') ? '' : after.startsWith('\n') ? '\n' : '\n\n';
        const text = lead + block + trail;
        const blockStart = position + lead.length;
        if (selectFrom === undefined) {
            const caret = position + text.length;
            replaceRange(textarea, position, position, text, caret, caret);
        } else {
            replaceRange(textarea, position, position, text, blockStart + selectFrom, blockStart + selectTo);
        }
    }

    function insertTable(textarea, button) {
        const column = button.dataset.column;
        const cell = button.dataset.cell;
        const first = column + ' 1';
        const table = [
            '| ' + first + ' | ' + column + ' 2 |',
            '| --- | --- |',
            '| ' + cell + ' | ' + cell + ' |',
            '| ' + cell + ' | ' + cell + ' |'
        ].join('\n');
        // After the selection, never over it: a table should not swallow text.
        insertBlock(textarea, textarea.selectionEnd, table, 2, 2 + first.length);
    }

    // Word count and reading time. -------------------------------------------------------

    // The rules of articles.models.reading_length and minutes_to_read; the server's answer
    // corrects any difference (Unicode whitespace) a moment later.
    function readingLength(text, countsCharacters) {
        if (countsCharacters) {
            return (text.match(/\S/gu) || []).length;
        }
        return text.split(/\s+/u).filter(Boolean).length;
    }

    // Preview, toolbar and picker for one editor. ----------------------------------------

    function enhance(editor) {
        const textarea = editor.querySelector('textarea');
        const form = textarea.form;
        const toolbar = editor.querySelector('.md-toolbar');
        const pane = editor.querySelector('.md-preview-pane');
        const preview = editor.querySelector('[data-md-preview]');
        const errorLine = editor.querySelector('.md-preview-error');
        const status = editor.querySelector('.md-status');
        const characterLanguages = (editor.dataset.characterLanguages || '').split(' ');
        const perMinute = {
            words: Number(editor.dataset.wordsPerMinute),
            characters: Number(editor.dataset.charactersPerMinute)
        };
        const buttons = Array.from(toolbar.querySelectorAll('button'));
        const byAction = {};
        buttons.forEach(button => (byAction[button.dataset.mdAction] = button));

        function language() {
            const field = form && form.elements.namedItem('language');
            return (field && field.value) || editor.dataset.defaultLanguage;
        }

        function showCounts(count, unit, minutes) {
            status.querySelectorAll('[data-md-unit]').forEach(function(label) {
                label.hidden = label.dataset.mdUnit !== unit;
            });
            // Numbers as the admin's language writes them, not the browser's.
            const locale = document.documentElement.lang || undefined;
            status.querySelector('[data-md-count]').textContent = count.toLocaleString(locale);
            status.querySelector('[data-md-minutes]').textContent = minutes.toLocaleString(locale);
        }

        function countNow() {
            const unit = characterLanguages.includes(language()) ? 'characters' : 'words';
            const count = readingLength(textarea.value, unit === 'characters');
            showCounts(count, unit, Math.max(1, Math.ceil(count / perMinute[unit])));
        }

        // The live preview.
        let timer = null;
        let sequence = 0;
        let controller = null;

        function showError(message) {
            errorLine.textContent = message;
            errorLine.hidden = !message;
            pane.classList.toggle('md-preview-stale', Boolean(message));
        }

        function csrfToken() {
            const input = form && form.querySelector('input[name=csrfmiddlewaretoken]');
            return input ? input.value : '';
        }

        async function refreshPreview() {
            const body = textarea.value;
            const lang = language();
            const sent = ++sequence;
            if (controller) {
                controller.abort();
            }
            // Counted in characters (code points), as the server counts.
            const limit = Number(editor.dataset.maxCharacters);
            if (body.length > limit && Array.from(body).length > limit) {
                showError(editor.dataset.textTooLong);
                return;
            }
            controller = new AbortController();
            pane.setAttribute('aria-busy', 'true');
            try {
                const response = await fetch(editor.dataset.previewUrl, {
                    method: 'POST',
                    credentials: 'same-origin',
                    headers: {'X-CSRFToken': csrfToken(), Accept: 'application/json'},
                    body: new URLSearchParams({body: body, language: lang}),
                    signal: controller.signal
                });
                const type = response.headers.get('Content-Type') || '';
                if (!type.startsWith('application/json')) {
                    // The admin sends the signed-out to its login page, and a stale CSRF
                    // token (after signing in elsewhere) gets a 403 page.
                    const signedOut = response.redirected || response.status === 403;
                    if (sent === sequence) {
                        showError(signedOut ? editor.dataset.textSignedOut : editor.dataset.textPreviewFailed);
                    }
                    return;
                }
                const answer = await response.json();
                if (sent !== sequence) {
                    return;
                }
                if (!response.ok) {
                    showError(answer.error || editor.dataset.textPreviewFailed);
                    return;
                }
                preview.innerHTML = answer.html;
                // A click in the preview must not leave the page with the text unsaved.
                preview.querySelectorAll('a[href]').forEach(function(link) {
                    link.target = '_blank';
                    link.rel = 'noopener noreferrer';
                });
                showError('');
                if (body === textarea.value && lang === language()) {
                    showCounts(answer.words, answer.unit, answer.reading_minutes);
                }
            } catch (error) {
                if (error.name !== 'AbortError' && sent === sequence) {
                    showError(editor.dataset.textPreviewFailed);
                }
            } finally {
                if (sent === sequence) {
                    pane.removeAttribute('aria-busy');
                }
            }
        }

        function schedulePreview() {
            window.clearTimeout(timer);
            timer = window.setTimeout(refreshPreview, PREVIEW_DELAY_MS);
        }

        textarea.addEventListener('input', function() {
            countNow();
            schedulePreview();
        });
        if (form && form.elements.namedItem('language')) {
            form.elements.namedItem('language').addEventListener('change', function() {
                countNow();
                schedulePreview();
            });
        }

        // Keep the preview at about the same place as the text being read.
        textarea.addEventListener('scroll', function() {
            const room = textarea.scrollHeight - textarea.clientHeight;
            if (room > 0) {
                const ratio = textarea.scrollTop / room;
                pane.scrollTop = ratio * (pane.scrollHeight - pane.clientHeight);
            }
        });

        // The toolbar.
        const picker = editor.dataset.pickerUrl ? setUpPicker(editor, textarea) : null;
        const actions = {
            heading: () => cycleHeading(textarea, byAction.heading.dataset.placeholder),
            bold: () => toggleInline(textarea, '**', byAction.bold.dataset.placeholder),
            italic: () => toggleInline(textarea, '*', byAction.italic.dataset.placeholder),
            link: () => insertLink(textarea, byAction.link.dataset.placeholder),
            quote: () => toggleLines(textarea, 'quote', byAction.quote.dataset.placeholder),
            bulleted: () => toggleLines(textarea, 'bulleted', byAction.bulleted.dataset.placeholder),
            numbered: () => toggleLines(textarea, 'numbered', byAction.numbered.dataset.placeholder),
            table: () => insertTable(textarea, byAction.table),
            image: () => picker && picker.open()
        };

        toolbar.addEventListener('click', function(event) {
            const button = event.target.closest('button[data-md-action]');
            if (button && actions[button.dataset.mdAction]) {
                actions[button.dataset.mdAction]();
            }
        });

        // One tab stop for the whole toolbar; arrow keys move along it (WAI-ARIA toolbar).
        buttons.forEach((button, index) => (button.tabIndex = index === 0 ? 0 : -1));
        toolbar.addEventListener('keydown', function(event) {
            const index = buttons.indexOf(document.activeElement);
            if (index === -1) {
                return;
            }
            const moves = {
                ArrowRight: index + 1,
                ArrowLeft: index - 1,
                Home: 0,
                End: buttons.length - 1
            };
            if (!(event.key in moves)) {
                return;
            }
            event.preventDefault();
            const next = buttons[(moves[event.key] + buttons.length) % buttons.length];
            buttons.forEach(button => (button.tabIndex = button === next ? 0 : -1));
            next.focus();
        });

        // Shortcuts, as the buttons' aria-keyshortcuts say. Letters by the key they type
        // (Ctrl+B is B on any Latin layout), digits and punctuation by their place on the
        // keyboard, since Shift changes what those type.
        textarea.addEventListener('keydown', function(event) {
            if (!(event.ctrlKey || event.metaKey) || event.altKey || event.isComposing) {
                return;
            }
            const letter = /^[a-z]$/i.test(event.key) ? event.key.toLowerCase()
                : event.code.startsWith('Key') ? event.code.slice(3).toLowerCase() : '';
            const name = event.shiftKey
                ? {h: 'heading'}[letter] || {Period: 'quote', Digit8: 'bulleted', Digit7: 'numbered'}[event.code]
                : {b: 'bold', i: 'italic', k: 'link'}[letter];
            if (name) {
                event.preventDefault();
                actions[name]();
            }
        });

        toolbar.hidden = false;
        pane.hidden = false;
        status.hidden = false;
        editor.classList.add('md-enhanced');
        countNow();
        if (textarea.value.trim()) {
            refreshPreview();
        }
    }

    // The image picker: a dialog listing the media library's images, newest first. ------

    function setUpPicker(editor, textarea) {
        const dialog = editor.querySelector('dialog.md-picker');
        // Out of the article's form, so Enter in the search box cannot submit the article.
        document.body.append(dialog);
        const search = dialog.querySelector('[data-picker-search]');
        const results = dialog.querySelector('[data-picker-results]');
        const status = dialog.querySelector('[data-picker-status]');
        const more = dialog.querySelector('[data-picker-more]');
        const upload = dialog.querySelector('[data-picker-upload]');
        const url = editor.dataset.pickerUrl;
        let insertAt = 0;
        let nextPage = 1;
        let sequence = 0;
        let timer = null;

        function describe(image) {
            const item = document.createElement('li');
            const button = document.createElement('button');
            button.type = 'button';
            button.className = 'md-picker-item';
            const thumbnail = document.createElement('img');
            thumbnail.src = image.thumbnail;
            // The description follows as text: the button is named by it once, not twice.
            thumbnail.alt = '';
            thumbnail.loading = 'lazy';
            const text = document.createElement('span');
            text.className = 'md-picker-text';
            const alt = document.createElement('span');
            alt.className = 'md-picker-alt';
            alt.textContent = image.alt;
            text.append(alt);
            const details = [image.caption, image.credit && '© ' + image.credit,
                image.width && image.height ? image.width + '×' + image.height : '']
                .filter(Boolean);
            if (details.length) {
                const small = document.createElement('span');
                small.className = 'md-picker-details';
                small.textContent = details.join(' · ');
                text.append(small);
            }
            button.append(thumbnail, text);
            button.addEventListener('click', function() {
                dialog.close();
                insertBlock(textarea, insertAt, image.markdown);
            });
            item.append(button);
            return item;
        }

        async function load(page) {
            const sent = ++sequence;
            const term = search.value.trim();
            status.textContent = dialog.dataset.textLoading;
            more.hidden = true;
            try {
                const response = await fetch(url + '?' + new URLSearchParams({q: term, page: page}), {
                    credentials: 'same-origin',
                    headers: {Accept: 'application/json'}
                });
                if (!response.ok || !(response.headers.get('Content-Type') || '').startsWith('application/json')) {
                    throw new Error('picker answered ' + response.status);
                }
                const answer = await response.json();
                if (sent !== sequence) {
                    return;
                }
                const items = answer.results.map(describe);
                if (page === 1) {
                    results.replaceChildren(...items);
                } else {
                    results.append(...items);
                    // Keyboard users carry on from the first image just added.
                    const first = items[0] && items[0].querySelector('button');
                    if (first) {
                        first.focus();
                    }
                }
                nextPage = answer.page + 1;
                more.hidden = !answer.has_next;
                if (answer.add_url) {
                    upload.href = answer.add_url;
                    upload.hidden = false;
                }
                const count = results.children.length;
                status.textContent = count ? dialog.dataset.textShown.replace('%(count)s', count)
                    : term ? dialog.dataset.textNone : dialog.dataset.textEmpty;
            } catch (error) {
                if (sent === sequence) {
                    status.textContent = dialog.dataset.textFailed;
                }
            }
        }

        search.addEventListener('input', function() {
            window.clearTimeout(timer);
            timer = window.setTimeout(() => load(1), SEARCH_DELAY_MS);
        });
        search.addEventListener('keydown', function(event) {
            if (event.key === 'Enter' && !event.isComposing) {
                event.preventDefault();
                window.clearTimeout(timer);
                load(1);
            }
        });
        more.addEventListener('click', () => load(nextPage));
        dialog.querySelector('[data-picker-close]').addEventListener('click', () => dialog.close());
        // A click on the backdrop (outside the dialog's box) closes it, as Escape does.
        dialog.addEventListener('click', function(event) {
            if (event.target === dialog) {
                const box = dialog.getBoundingClientRect();
                const inside = event.clientX >= box.left && event.clientX <= box.right
                    && event.clientY >= box.top && event.clientY <= box.bottom;
                if (!inside) {
                    dialog.close();
                }
            }
        });
        dialog.addEventListener('close', () => textarea.focus());

        return {
            open: function() {
                // Where the image goes: after the selection, which it must not replace.
                insertAt = textarea.selectionEnd;
                dialog.showModal();
                search.focus();
                load(1);
            }
        };
    }

    document.addEventListener('DOMContentLoaded', function() {
        document.querySelectorAll('[data-md-editor]').forEach(enhance);
    });
}
