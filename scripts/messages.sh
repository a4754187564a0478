#!/usr/bin/env bash
# The Swedish catalogues, each where its strings live: every Django app of kretslopp/ keeps
# its own (kretslopp/<app>/locale/sv/LC_MESSAGES/django.po), and kretslopp/locale keeps the
# strings of the plain-Python packages and the project files, which belong to no app.
#
# Run by `make messages`; safe to run again at any time (after a merge, after adding text):
#
# 1. Every translation known today is gathered into one compendium, in the order Django
#    looks them up at run time (LOCALE_PATHS first, then the apps in INSTALLED_APPS
#    order, then Django's own), so a string translated in more than one place keeps the
#    translation the pages show now.
# 2. makemessages runs per app, without settings, so each app's catalogue gets exactly the
#    strings of that app's files; the project catalogue gets those of everything else.
# 3. Each catalogue is filled from the compendium (exact matches only: no guessed fuzzy
#    translations) and compiled.
#
# It ends by listing what is still untranslated; a new string then needs its Swedish in
# the catalogue the listing names.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
package="$root/kretslopp"
django_admin="$root/.venv/bin/django-admin"
python="$root/.venv/bin/python"
language=sv
catalogue="locale/$language/LC_MESSAGES/django.po"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

# The project's own apps, in INSTALLED_APPS order (their directory names under kretslopp/).
mapfile -t apps < <(
  cd "$root" && "$python" -c '
from kretslopp import settings
for name in settings.INSTALLED_APPS:
    if name.startswith("kretslopp."):
        print(name.split(".")[1])
'
)

# 1. The compendium: translated, non-fuzzy entries only, the first translation winning.
sources=("$package/$catalogue")
for app in "${apps[@]}"; do
  sources+=("$package/$app/$catalogue")
done
known=()
for po in "${sources[@]}"; do
  if [[ -s "$po" ]]; then
    out="$work/known-${#known[@]}.po"
    msgattrib --translated --no-fuzzy --no-obsolete -o "$out" "$po"
    known+=("$out")
  fi
done
msgcat --use-first -o "$work/ours.po" "${known[@]}"
# Django's own Swedish last: a string of ours that Django translates already ("first
# name") gets the words the pages show today.
django_dir="$("$python" -c 'import django, os; print(os.path.dirname(django.__file__))')"
find "$django_dir" -path "*/locale/$language/LC_MESSAGES/django.po" | sort > "$work/django.txt"
msgcat --use-first -f "$work/django.txt" -o "$work/django-all.po"
msgattrib --translated --no-fuzzy -o "$work/django.po" "$work/django-all.po"
msgcat --use-first -o "$work/compendium.po" "$work/ours.po" "$work/django.po"

# A header to merge into: what every catalogue says about itself.
cat > "$work/header.po" <<'EOF'
msgid ""
msgstr ""
"Project-Id-Version: Kretslopp\n"
"Report-Msgid-Bugs-To: \n"
"PO-Revision-Date: \n"
"Last-Translator: \n"
"Language-Team: Swedish\n"
"MIME-Version: 1.0\n"
"Content-Type: text/plain; charset=UTF-8\n"
"Content-Transfer-Encoding: 8bit\n"
"Language: sv\n"
"Plural-Forms: nplurals=2; plural=(n != 1);\n"
EOF

# 2 and 3 for one directory: its strings, filled from the compendium, compiled.
refresh() {
  local dir="$1"
  shift
  mkdir -p "$dir/locale"
  rm -f "$dir/$catalogue" "${dir}/${catalogue%.po}.mo"
  # Without settings, makemessages writes to ./locale and reads only this tree.
  (cd "$dir" && env -u DJANGO_SETTINGS_MODULE "$django_admin" makemessages \
    -l "$language" --no-obsolete -v 0 "$@")
  if [[ ! -s "$dir/$catalogue" ]]; then  # no text to translate here
    rm -rf "$dir/locale"
    return
  fi
  msgmerge --quiet --no-fuzzy-matching --compendium="$work/compendium.po" \
    -o "$work/merged.po" "$work/header.po" "$dir/$catalogue"
  # Without the time of the run, a catalogue changes only when its text does.
  sed '/^"POT-Creation-Date: /d' "$work/merged.po" > "$dir/$catalogue"
  msgfmt --check -o "${dir}/${catalogue%.po}.mo" "$dir/$catalogue"
}

ignore=()
for app in "${apps[@]}"; do
  refresh "$package/$app"
  ignore+=("--ignore=$app")
done
refresh "$package" "${ignore[@]}"

# Where we word one of Django's own messages differently ("This field cannot be null."),
# the project catalogue, which Django reads before every other, keeps our wording: such a
# message may come from Django's code only, so no app catalogue would hold it. msgcat
# marks a message whose two translations differ as fuzzy; those are the rewordings.
msgcat --no-location -o "$work/both.po" "$work/ours.po" "$work/django.po"
msgattrib --only-fuzzy --clear-fuzzy -o "$work/differ.po" "$work/both.po"
msgfilter --keep-header -i "$work/differ.po" -o "$work/differ.pot" sed -e d
msgcomm --no-location -o "$work/reworded.po" "$work/ours.po" "$work/differ.pot"
if [[ -s "$work/reworded.po" ]]; then
  msgcat --use-first -o "$package/$catalogue" "$package/$catalogue" "$work/reworded.po"
  msgfmt --check -o "$package/${catalogue%.po}.mo" "$package/$catalogue"
fi

# What still needs a translation, by catalogue.
missing=0
for po in "$package/$catalogue" "$package"/*/"$catalogue"; do
  [[ -s "$po" ]] || continue
  statistics="$(LC_ALL=C msgfmt --statistics -o /dev/null "$po" 2>&1)"
  count="$(sed -n 's/.* \([0-9][0-9]*\) untranslated message.*/\1/p' <<<"$statistics")"
  count="${count:-0}"
  if ((count > 0)); then
    echo "${po#"$root"/}: $count untranslated"
    missing=$((missing + count))
  fi
done
echo "Swedish catalogues refreshed; $missing string(s) without a translation."
