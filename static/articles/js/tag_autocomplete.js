'use strict';
// The article form's tag box (articles/admin_forms.py TagAutocompleteWidget): a comma-separated
// text box with the browser's own suggestion list.
//
// Enter adds the tag being typed instead of submitting the form: on a published article a
// stray Enter would otherwise put an unfinished edit live. Enter on an empty tag does nothing
// either, since an editor in the tag box means to add a tag. A comma adds a tag as typed.
//
// Suggestions are for the tag being typed, i.e. the text after the last comma. Each one is the
// whole field value with that tag completed, so picking one keeps the tags before it; the
// browser puts a highlighted suggestion in the box itself when Enter picks it.
{
    const DELAY_MS = 150;

    function splitAtCurrentTag(value) {
        const cut = value.lastIndexOf(',');
        const rest = value.slice(cut + 1);
        const head = value.slice(0, cut + 1) + rest.match(/^\s*/)[0];
        return {head: head, term: rest.trim()};
    }

    function tagNames(value) {
        return value.split(',').map(name => name.trim()).filter(Boolean);
    }

    // A polite live region, so screen reader users hear that Enter added the tag.
    function makeAnnouncer(input) {
        const region = document.createElement('span');
        region.className = 'visually-hidden';
        region.setAttribute('aria-live', 'polite');
        input.insertAdjacentElement('afterend', region);
        return function(text) {
            region.textContent = text;
        };
    }

    function enhance(input) {
        const list = document.getElementById(input.getAttribute('list'));
        const url = input.dataset.autocompleteUrl;
        const announce = makeAnnouncer(input);
        let timer = null;
        let asked = null;

        input.addEventListener('keydown', function(event) {
            // Enter while an input method is composing a character belongs to the IME.
            if (event.key !== 'Enter' || event.isComposing || event.keyCode === 229) {
                return;
            }
            event.preventDefault();
            const {head, term} = splitAtCurrentTag(input.value);
            // With the caret inside an earlier tag, Enter only keeps the form from submitting.
            if (!term || input.selectionEnd !== input.value.length) {
                return;
            }
            const known = tagNames(head).map(name => name.toLowerCase());
            if (known.includes(term.toLowerCase())) {
                // Already there (tags ignore case): drop the repeat rather than add it twice.
                input.value = head;
                announce('“' + term + '” is already a tag.');
            } else {
                input.value = head + term + ', ';
                announce('Added tag “' + term + '”.');
            }
            // The suggestions were for the finished tag; the next one starts afresh.
            list.replaceChildren();
            asked = null;
        });

        input.addEventListener('input', function() {
            window.clearTimeout(timer);
            timer = window.setTimeout(async function() {
                const {head, term} = splitAtCurrentTag(input.value);
                if (!term || head + term === asked) {
                    return;
                }
                asked = head + term;
                const response = await fetch(url + '?' + new URLSearchParams({term: term}), {
                    credentials: 'same-origin',
                    headers: {Accept: 'application/json'}
                });
                if (!response.ok) {
                    return;
                }
                const chosen = new Set(tagNames(head).map(name => name.toLowerCase()));
                const options = (await response.json()).results
                    .filter(result => !chosen.has(result.text.toLowerCase()))
                    .map(function(result) {
                        const option = document.createElement('option');
                        const name = result.text.includes(',') ? '"' + result.text + '"' : result.text;
                        option.value = head + name + ', ';
                        option.label = result.text;
                        return option;
                    });
                list.replaceChildren(...options);
            }, DELAY_MS);
        });
    }

    document.addEventListener('DOMContentLoaded', function() {
        document.querySelectorAll('input.tag-autocomplete').forEach(enhance);
    });
}
