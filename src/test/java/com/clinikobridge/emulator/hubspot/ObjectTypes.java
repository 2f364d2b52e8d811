package com.clinikobridge.emulator.hubspot;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** Object type names, type ids and the HUBSPOT_DEFINED association type table. */
final class ObjectTypes {

    /** One CRM object type. */
    record Type(String name, String typeId, String singular, String upperName) {
    }

    static final List<Type> ALL = List.of(
            new Type("contacts", "0-1", "contact", "CONTACT"),
            new Type("companies", "0-2", "company", "COMPANY"),
            new Type("deals", "0-3", "deal", "DEAL"),
            new Type("products", "0-7", "product", "PRODUCT"),
            new Type("line_items", "0-8", "line_item", "LINE_ITEM"),
            new Type("notes", "0-46", "note", "NOTE"),
            new Type("meetings", "0-47", "meeting", "MEETING"));

    private static final Map<String, Type> BY_ALIAS = new HashMap<>();

    static {
        for (Type t : ALL) {
            BY_ALIAS.put(t.name(), t);
            BY_ALIAS.put(t.typeId(), t);
            BY_ALIAS.put(t.singular(), t);
        }
        BY_ALIAS.put("lineitems", BY_ALIAS.get("line_items"));
        BY_ALIAS.put("lineitem", BY_ALIAS.get("line_items"));
    }

    /** An association type: from → to with id, inverse id, label and whether it is the default (unlabeled). */
    record AssocType(String from, String to, int typeId, int inverseTypeId, String label, boolean isDefault) {
    }

    private static final List<AssocType> ASSOC_TYPES = new java.util.ArrayList<>();

    private static void pair(String a, String b, int ab, int ba, String label, boolean isDefault) {
        ASSOC_TYPES.add(new AssocType(a, b, ab, ba, label, isDefault));
        if (!(a.equals(b) && ab == ba)) {
            ASSOC_TYPES.add(new AssocType(b, a, ba, ab, label, isDefault));
        }
    }

    static {
        pair("contacts", "companies", 279, 280, null, true);
        pair("contacts", "companies", 1, 2, "Primary", false);
        pair("deals", "contacts", 3, 4, null, true);
        pair("deals", "companies", 341, 342, null, true);
        pair("deals", "companies", 5, 6, "Primary", false);
        pair("companies", "companies", 13, 14, "Parent Company", false);
        pair("companies", "companies", 450, 450, null, true);
        pair("contacts", "contacts", 449, 449, null, true);
        pair("deals", "deals", 451, 451, null, true);
        pair("deals", "line_items", 19, 20, null, true);
        pair("meetings", "contacts", 200, 199, null, true);
        pair("meetings", "companies", 188, 187, null, true);
        pair("meetings", "deals", 212, 211, null, true);
        pair("notes", "contacts", 202, 201, null, true);
        pair("notes", "companies", 190, 189, null, true);
        pair("notes", "deals", 214, 213, null, true);
    }

    private ObjectTypes() {
    }

    /** Resolves a name, singular name or type id (case-insensitive). */
    static Optional<Type> find(String alias) {
        if (alias == null) {
            return Optional.empty();
        }
        return Optional.ofNullable(BY_ALIAS.get(alias.toLowerCase(Locale.ROOT)));
    }

    static Type require(String alias) {
        return find(alias).orElseThrow(() -> ApiException.notFound("Unable to infer object type from: " + alias));
    }

    /** Canonical plural name for Java-side calls; throws IllegalArgumentException when unknown. */
    static String canonical(String alias) {
        return find(alias).map(Type::name)
                .orElseThrow(() -> new IllegalArgumentException("Unknown object type: " + alias));
    }

    static Optional<AssocType> assocType(String from, String to, int typeId) {
        return ASSOC_TYPES.stream()
                .filter(a -> a.from().equals(from) && a.to().equals(to) && a.typeId() == typeId)
                .findFirst();
    }

    static Optional<AssocType> inverseOf(String from, String to, int typeId) {
        return assocType(from, to, typeId).flatMap(a -> assocType(to, from, a.inverseTypeId()));
    }

    static Optional<AssocType> defaultType(String from, String to) {
        return ASSOC_TYPES.stream()
                .filter(a -> a.from().equals(from) && a.to().equals(to) && a.isDefault())
                .findFirst();
    }

    static List<AssocType> typesBetween(String from, String to) {
        return ASSOC_TYPES.stream().filter(a -> a.from().equals(from) && a.to().equals(to)).toList();
    }

    static Map<String, Type> byName() {
        Map<String, Type> m = new LinkedHashMap<>();
        ALL.forEach(t -> m.put(t.name(), t));
        return m;
    }
}
