'use strict';
// Suggests existing tags for the tag being typed, i.e. the text after the last comma
// (articles/admin_forms.py TagAutocompleteWidget). Each suggestion is the whole field value
// with that tag completed, so picking one from the browser's list keeps the tags before it.
{
    const DELAY_MS = 150;

    function splitAtCurrentTag(value) {
        const cut = value.lastIndexOf(',');
        const rest = value.slice(cut + 1);
        const head = value.slice(0, cut + 1) + rest.match(/^\s*/)[0];
        return {head: head, term: rest.trim()};
    }

    function enhance(input) {
        const list = document.getElementById(input.getAttribute('list'));
        const url = input.dataset.autocompleteUrl;
        let timer = null;
        let asked = null;
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
                const chosen = new Set(
                    head.split(',').map(name => name.trim().toLowerCase()).filter(Boolean)
                );
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
