# layers.t: every source file includes only headers of its own layer or of the
# layers below it (../shared/DESIGN.md "Layout"):
#   cli -> tui, record;  tui -> model;  model/report -> model -> model/format
#   -> model/base;  record -> record/python, model/format, model/base.
# A file's public headers are include/pytop/LAYER/, its private ones sit in
# its own folder.  One test point per layer folder.
source "$ROOT/tests/lib.sh"
cd "$ROOT" || exit 1

# folder of sources and of public headers -> the include/pytop/ folders allowed
declare -A allow=(
	[model/base]="base"
	[model/format]="base format"
	[model]="base format model"
	[model/report]="base format model report"
	[record/python]="base format python"
	[record]="base format python record"
	[tui]="base format model report tui"
	[cli]="base format model report python record tui"
)
declare -A hdr=(
	[model/base]=base [model/format]=format [model]=model [model/report]=report
	[record/python]=python [record]=record [tui]=tui [cli]=cli
)

for layer in model/base model/format model model/report record/python record tui cli; do
	bad=
	files=$(ls "$layer"/*.[ch] include/pytop/"${hdr[$layer]}"/*.h 2>/dev/null)
	[ -n "$files" ] || { not_ok "$layer: has sources" "no file in $layer"; continue; }
	for f in $files; do
		while IFS= read -r inc; do
			case $inc in
			pytop/*/*)
				dir=${inc#pytop/}; dir=${dir%%/*}
				case " ${allow[$layer]} " in
				*" $dir "*) ;;
				*) bad+="$f includes \"$inc\" (layer $dir is not below $layer)"$'\n' ;;
				esac ;;
			pytop/*) bad+="$f includes \"$inc\" (public headers live in include/pytop/LAYER/)"$'\n' ;;
			*/*) bad+="$f includes \"$inc\" (another folder's private header)"$'\n' ;;
			esac
		done < <(sed -n 's/^#include "\(.*\)"/\1/p' "$f")
	done
	if [ -z "$bad" ]; then ok "$layer includes only its own and lower layers"
	else not_ok "$layer includes only its own and lower layers" "$bad"; fi
done

# every C source of pytop is in one of those folders
stray=$(git ls-files '*.c' '*.h' | grep -Ev '^(model/(base/|format/|report/)?[^/]+|record/(python/)?[^/]+|tui/[^/]+|cli/[^/]+|include/pytop/[a-z]+/[^/]+|tests/.*|bench/.*)$')
check_eq "no source outside the layer folders" "$stray" ""
done_testing
