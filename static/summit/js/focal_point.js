'use strict';
// The focal point picker (summit/widgets.py FocalPointWidget): a picture with a marker, and the
// two number inputs (percent across and down) that the form sends.
//
// Clicking the picture sets both numbers; with the picture focused, the arrow keys move the
// point by one (with Shift, by ten). Typing a number moves the marker. The marker is placed
// through element.style (allowed by the admin's CSP, unlike style="" attributes), and is shown
// only once this script runs: without it, the numbers alone do the job.
{
    const clamp = value => Math.min(100, Math.max(0, value));

    function readPercent(input) {
        const value = Number.parseInt(input.value, 10);
        return Number.isNaN(value) ? 50 : clamp(value);
    }

    function enhance(container) {
        const inputX = document.getElementById(container.dataset.focalX);
        const inputY = document.getElementById(container.dataset.focalY);
        const picture = container.querySelector('.focal-point-picture');
        const marker = container.querySelector('.focal-point-marker');
        const announcer = container.querySelector('[data-focal-announce]');
        if (!inputX || !inputY || !picture || !marker) {
            return;
        }

        function place() {
            marker.style.left = readPercent(inputX) + '%';
            marker.style.top = readPercent(inputY) + '%';
        }

        function set(x, y) {
            for (const [input, value] of [[inputX, clamp(Math.round(x))], [inputY, clamp(Math.round(y))]]) {
                if (input.value !== String(value)) {
                    input.value = String(value);
                    // Whatever listens to the form (unsaved-changes warnings) hears of it.
                    input.dispatchEvent(new Event('input', {bubbles: true}));
                    input.dispatchEvent(new Event('change', {bubbles: true}));
                }
            }
            place();
            if (announcer) {
                announcer.textContent = announcer.dataset.focalAnnounce
                    .replace('{x}', inputX.value).replace('{y}', inputY.value);
            }
        }

        picture.addEventListener('click', event => {
            const box = picture.getBoundingClientRect();
            if (!box.width || !box.height) {
                return;
            }
            set((event.clientX - box.left) / box.width * 100, (event.clientY - box.top) / box.height * 100);
            picture.focus();
        });

        const MOVES = {ArrowLeft: [-1, 0], ArrowRight: [1, 0], ArrowUp: [0, -1], ArrowDown: [0, 1]};
        picture.addEventListener('keydown', event => {
            const move = MOVES[event.key];
            if (!move) {
                return;
            }
            event.preventDefault();
            const step = event.shiftKey ? 10 : 1;
            set(readPercent(inputX) + move[0] * step, readPercent(inputY) + move[1] * step);
        });

        inputX.addEventListener('input', place);
        inputY.addEventListener('input', place);
        place();
        container.classList.add('focal-point-ready');
    }

    function start() {
        document.querySelectorAll('.focal-point[data-focal-x]').forEach(enhance);
    }

    if (document.readyState === 'loading') {
        document.addEventListener('DOMContentLoaded', start);
    } else {
        start();
    }
}
